import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeMetric, PluginError } from '../../src/model/index.js';
import { parseTarget, requireLevel } from '../../src/query/index.js';

const ctx = { namespace: 'web', allNamespaces: false };

// ---
test("Heapster's paths", () => {
  assert.equal(parseTarget('cluster', ctx), { kind: 'cluster' });
  assert.equal(parseTarget('nodes/n1', ctx), { kind: 'node', node: 'n1' });
  assert.equal(parseTarget('namespaces/spark-cluster', ctx), { kind: 'namespace', namespace: 'spark-cluster' });
  assert.equal(parseTarget('namespaces/a/pods/p', ctx), { kind: 'pod', namespace: 'a', pod: 'p' });
  assert.equal(parseTarget('namespaces/a/pods/p/containers/c', ctx), { kind: 'container', namespace: 'a', pod: 'p', container: 'c' });
  assert.equal(parseTarget('nodes/n1/freecontainers/kubelet', ctx), { kind: 'freecontainer', node: 'n1', container: 'kubelet' });
  assert.equal(parseTarget('namespaces/a/pod-list/p1,p2,p1', ctx), { kind: 'pod-list', namespace: 'a', pods: ['p1', 'p2', 'p1'] });
  assert.equal(parseTarget('/namespaces/a/', ctx), { kind: 'namespace', namespace: 'a' }, 'slashes at the ends do not matter');
});

test("kubectl's short forms and collections", () => {
  assert.equal(parseTarget('ns/a', ctx), { kind: 'namespace', namespace: 'a' });
  assert.equal(parseTarget('no/n1', ctx), { kind: 'node', node: 'n1' });
  assert.equal(parseTarget('po/p', ctx), { kind: 'pod', namespace: 'web', pod: 'p' });
  assert.equal(parseTarget('pods', ctx), { kind: 'pods', namespace: 'web' });
  assert.equal(parseTarget('pods', { ...ctx, allNamespaces: true }), { kind: 'pods' });
  assert.equal(parseTarget('namespaces', ctx), { kind: 'namespaces' });
  assert.equal(parseTarget('nodes', ctx), { kind: 'nodes' });
  assert.equal(parseTarget('ns/a/pods', ctx), { kind: 'pods', namespace: 'a' });
  assert.equal(parseTarget('ns/a/pods/p/containers', ctx), { kind: 'containers', namespace: 'a', pod: 'p' });
  assert.equal(parseTarget('nodes/n1/freecontainers', ctx), { kind: 'freecontainers', node: 'n1' });
  // workloads: NS/NAME, or NAME in the context's namespace; their pods are found later, from pod objects
  assert.equal(parseTarget('deployments/web/frontend', ctx), { kind: 'pod-list', namespace: 'web', pods: [], workload: { kind: 'Deployment', name: 'frontend' } });
  assert.equal(parseTarget('sts/db', ctx), { kind: 'pod-list', namespace: ctx.namespace, pods: [], workload: { kind: 'StatefulSet', name: 'db' } });
});

test('anything else is a usage error that lists the forms', () => {
  for (const bad of ['services/x', 'deployments/a/b/c', 'nodes/n1/pods', 'ns/a/pod-list/', 'cluster/x', 'namespaces//pods']) {
    try {
      parseTarget(bad, ctx);
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, PluginError);
      assert.is((e as PluginError).exitCode, 2);
      assert.match((e as PluginError).line, 'namespaces/NS/pods/POD');
    }
  }
});

test('a metric Heapster does not keep at the target level is refused with the reason and where it is kept', () => {
  const refused = (target: string, metric: string) => {
    try {
      requireLevel(parseTarget(target, { namespace: 'default', allNamespaces: false }), describeMetric(metric)!);
      return undefined;
    } catch (e) {
      assert.instance(e, PluginError);
      assert.is((e as PluginError).exitCode, 2);
      return (e as PluginError).line;
    }
  };
  // the reference: namespaces sum only cpu/usage_rate, memory/usage and the cpu and memory requests and limits
  assert.is(refused('namespaces/web', 'network/rx_rate'), 'Heapster keeps network/rx_rate for nodes and pods only, not for namespaces; ask `kubectl heapster query nodes network/rx_rate`');
  assert.is(refused('cluster', 'cpu/node_utilization'), 'Heapster keeps cpu/node_utilization for nodes only, not for the cluster; ask `kubectl heapster query nodes cpu/node_utilization`');
  assert.is(refused('namespaces/web', 'memory/usage'), undefined);
  assert.is(refused('cluster', 'memory/usage'), undefined);
});

test.run();
