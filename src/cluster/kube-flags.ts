/** kubectl's global flags that apply to this plugin (design.md §5), parsed by the plugin itself. */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  as?: string;
  asGroup?: string[];
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  /** don't send `Accept-Encoding: gzip` (kubectl's `--disable-compression`) */
  disableCompression?: boolean;
  /** ms; 0 means no timeout, as kubectl's `--request-timeout=0` */
  requestTimeoutMs?: number;
}
