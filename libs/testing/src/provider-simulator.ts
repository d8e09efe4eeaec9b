import { freePorts } from '@lekha/local-kafka';
import { SimulatorProcess, simulatorEnvironment } from '@lekha/launcher';
import { REPO_ROOT } from './test-platform.js';

/**
 * The provider simulator as a child process for suites about sending: receipts off (the webhook
 * routes have their own suites), on free ports. `platformEnv` points a test platform's provider
 * accounts at it.
 */
export async function startSendingSimulator(): Promise<{
  sim: SimulatorProcess;
  url: string;
  platformEnv: Record<string, string>;
}> {
  const [simulatorPort, smtpPort] = await freePorts(2);
  const env = simulatorEnvironment({
    simulatorPort: simulatorPort!,
    smtpPort: smtpPort!,
    gatewayUrl: 'http://127.0.0.1:9',
  });
  const sim = new SimulatorProcess({
    root: REPO_ROOT,
    env: { ...process.env, ...env.simulator, SIMULATOR_RECEIPTS: 'off' },
  });
  sim.start();
  return { sim, url: (await sim.waitReady()).url, platformEnv: env.platform };
}
