// The broker's server.properties: a single KRaft node tuned for a small machine.

export function serverProperties(p: {
  port: number;
  controllerPort: number;
  logDirs: string;
  extra: Record<string, string>;
}): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    // Static KRaft quorum with this node as the only voter. (The dynamic-quorum
    // alternative, controller.quorum.bootstrap.servers + `format --standalone`,
    // bakes the controller endpoint into the metadata log; static voters let the
    // ports change between starts and work identically on 3.9 and 4.x.)
    'controller.quorum.voters': `1@127.0.0.1:${p.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': p.logDirs,
    'auto.create.topics.enable': 'false',
    'num.partitions': '3',
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '10',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '10',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // After a crash (SIGKILL) the restarted node cannot re-register until the
    // controller expires the dead incarnation's session (DuplicateBrokerRegistration
    // until then): 9 s by default. 4 s keeps crash-restart tests quick while
    // still tolerating 3 missed heartbeats on a busy 2-core machine.
    'broker.session.timeout.ms': '4000',
    'broker.heartbeat.interval.ms': '1000',
    // 2-core machines: fewer threads than the defaults (3 network / 8 io / 10 background).
    'num.network.threads': '2',
    'num.io.threads': '4',
    'background.threads': '4',
    'num.recovery.threads.per.data.dir': '1',
    'log.retention.check.interval.ms': '300000',
    ...p.extra,
  };
  return (
    '# Written by libs/local-kafka on every start; edits are overwritten.\n' +
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
  );
}
