import { readFileSync, writeFileSync } from 'node:fs';

/** An admin kubeconfig that kubectl, helm and @kubernetes/client-node all read. */
export function writeKubeconfig(path: string, server: string, ca: string, cert: string, key: string): void {
  const b64 = (f: string) => readFileSync(f).toString('base64');
  // Certificates are inlined so the file can be copied anywhere (make k8s-up, CI artefacts).
  const yaml = `apiVersion: v1
kind: Config
clusters:
- name: ha-shop-local
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(ca)}
users:
- name: ha-shop-admin
  user:
    client-certificate-data: ${b64(cert)}
    client-key-data: ${b64(key)}
contexts:
- name: ha-shop-local
  context:
    cluster: ha-shop-local
    user: ha-shop-admin
    namespace: default
current-context: ha-shop-local
`;
  writeFileSync(path, yaml, { mode: 0o600 });
}
