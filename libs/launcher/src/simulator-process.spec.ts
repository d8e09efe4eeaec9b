import { simulatorEnvironment } from './simulator-process.js';

describe('simulatorEnvironment', () => {
  const gatewayUrl = 'http://127.0.0.1:3000';

  it('points every provider at the simulator with fresh credentials shared by both sides', () => {
    const a = simulatorEnvironment({ simulatorPort: 3200, smtpPort: 2525, gatewayUrl });
    const b = simulatorEnvironment({ simulatorPort: 3200, smtpPort: 2525, gatewayUrl });
    for (const v of ['MSG91_BASE_URL', 'GUPSHUP_BASE_URL', 'TWILIO_BASE_URL', 'WHATSAPP_BASE_URL', 'RAZORPAY_BASE_URL'])
      expect(a.platform[v]).toBe('http://127.0.0.1:3200');
    for (const v of [
      'MSG91_AUTH_KEY',
      'GUPSHUP_USER_ID',
      'GUPSHUP_PASSWORD',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_APP_SECRET',
      'SMTP_URL',
      'WEBHOOK_PATH_TOKEN',
      'RAZORPAY_KEY_ID',
      'RAZORPAY_KEY_SECRET',
      'RAZORPAY_WEBHOOK_SECRET',
    ]) {
      expect(a.platform[v]).toBeTruthy();
      expect(a.simulator[v]).toBe(a.platform[v]);
      expect(b.platform[v]).not.toBe(a.platform[v]);
    }
    expect(a.platform.TWILIO_ACCOUNT_SID).toMatch(/^AC[0-9a-f]{32}$/);
    expect(a.platform.SMTP_URL).toMatch(/^smtp:\/\/lekha-[0-9a-f]{8}:[^@]+@127\.0\.0\.1:2525$/);
    expect(a.platform.PUBLIC_WEBHOOK_BASE_URL).toBe(gatewayUrl);
    expect(a.simulator.SIMULATOR_WEBHOOK_BASE_URL).toBe(gatewayUrl);
    expect(a.real).toEqual([]);
  });

  it('leaves a provider with a real account in the environment alone', () => {
    const env = simulatorEnvironment({
      simulatorPort: 3200,
      smtpPort: 2525,
      gatewayUrl,
      current: { TWILIO_ACCOUNT_SID: 'ACreal', WEBHOOK_PATH_TOKEN: 'kept', PUBLIC_WEBHOOK_BASE_URL: 'https://x.in' },
    });
    expect(env.real).toEqual(['twilio']);
    expect(env.platform.TWILIO_BASE_URL).toBeUndefined();
    expect(env.platform.TWILIO_ACCOUNT_SID).toBeUndefined();
    expect(env.platform.MSG91_BASE_URL).toBe('http://127.0.0.1:3200');
    expect(env.platform.WEBHOOK_PATH_TOKEN).toBe('kept');
    expect(env.platform.PUBLIC_WEBHOOK_BASE_URL).toBe('https://x.in');
  });
});
