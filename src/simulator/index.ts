export { startSimulator, type Simulator, type SimulatorOptions } from './start.js';
export { Workload, FAULTS, nodeName, type Fault, type SimNode, type SimPod } from './workload.js';
export { buildSummary, kubeTime } from './summary.js';
export { podCore, podObject, nodeObject } from './objects.js';
