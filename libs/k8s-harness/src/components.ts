import { join } from 'node:path';
import { Binaries } from './binaries';
import { Pki, SERVICE_CIDR } from './pki';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

export interface Layout {
  dir: string;
  pki: Pki;
  /** Kubeconfig with the admin identity, shared by components and callers. */
  kubeconfig: string;
}

export interface ComponentSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Command lines for each component. Flags follow kubeadm where it matters for
 * realism (RBAC, admission, service-account tokens) and diverge where a
 * single-member test cluster allows it (no leader election, no fsync).
 */
export function componentSpecs(bin: Binaries, ports: Ports, l: Layout): ComponentSpec[] {
  const { pki } = l;
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const clientAuth = [
    `--kubeconfig=${l.kubeconfig}`,
    `--authentication-kubeconfig=${l.kubeconfig}`,
    `--authorization-kubeconfig=${l.kubeconfig}`,
  ];
  return [
    {
      name: 'etcd',
      command: bin.paths.etcd,
      args: [
        '--name=ha-shop',
        `--data-dir=${join(l.dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=ha-shop=${peerUrl}`,
        // Data is thrown away after the run; fsync only costs start time.
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
    },
    {
      name: 'kube-apiserver',
      command: bin.paths['kube-apiserver'],
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        // The endpoint reconciler refuses loopback addresses, and nothing here
        // reaches the API server through the kubernetes Service anyway.
        '--endpoint-reconciler-type=none',
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${join(l.dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--authorization-mode=Node,RBAC',
        // The default plugin set plus NodeRestriction, as kubeadm runs it.
        '--enable-admission-plugins=NodeRestriction',
        '--allow-privileged=true',
        '--profiling=false',
        '--v=1',
      ],
    },
    {
      name: 'kube-controller-manager',
      command: bin.paths['kube-controller-manager'],
      args: [
        ...clientAuth,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.controllerManager}`,
        '--leader-elect=false',
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // Removes the not-ready taint from fresh kwok nodes sooner than the 5 s default.
        '--node-monitor-period=1s',
        '--v=1',
      ],
    },
    {
      name: 'kube-scheduler',
      command: bin.paths['kube-scheduler'],
      args: [
        ...clientAuth,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.scheduler}`,
        '--leader-elect=false',
        '--v=1',
      ],
    },
    {
      name: 'kwok',
      command: bin.paths.kwok,
      args: [
        `--kubeconfig=${l.kubeconfig}`,
        `--config=${bin.kwokStages}`,
        '--manage-all-nodes=false',
        `--manage-nodes-with-annotation-selector=${KWOK_ANNOTATION}=fake`,
        '--node-ip=127.0.0.1',
        `--node-port=${ports.kwok}`,
        `--server-address=127.0.0.1:${ports.kwok}`,
        '--node-lease-duration-seconds=40',
        '--cidr=10.244.0.0/16',
      ],
      // kwok also reads ~/.kwok/kwok.yaml; a private HOME keeps a developer's config out.
      env: { ...process.env, HOME: join(l.dir, 'kwok-home') },
    },
  ];
}

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';

/** A Node that kwok adopts and keeps Ready; spread over three zones so topology spread has work to do. */
export function kwokNode(name: string, index: number): object {
  const resources = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': 'kwok',
        'topology.kubernetes.io/region': 'local',
        'topology.kubernetes.io/zone': `zone-${'abc'[index % 3]}`,
        type: 'kwok',
      },
    },
    spec: {},
    // The API server accepts status on Node create, so capacity is known before kwok starts.
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'kwok',
        kubeProxyVersion: 'kwok',
      },
    },
  };
}
