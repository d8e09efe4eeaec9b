import { randomUUID } from 'node:crypto';
import { request } from '@lekha/testing';
import { awaitMessage } from './identity-test-helpers.js';

/**
 * A real user with `role` in the owner's tenant (invited, invitation accepted): their access token,
 * for tests that call services over the bus, where only a verified token says who the caller is.
 */
export async function userWithRole(
  baseUrl: string,
  ownerToken: string,
  role: string,
): Promise<{ accessToken: string }> {
  const email = `${role}.${randomUUID().slice(0, 8)}@example.in`;
  const invited = await request(baseUrl, 'POST', '/v1/users/invitations', { body: { email, role }, token: ownerToken });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const token = /token is (\S+)/.exec(await awaitMessage(baseUrl, email, (_b, p) => p === 'invitation'))![1]!;
  const accepted = await request<{ accessToken: string }>(baseUrl, 'POST', '/v1/auth/invitations/accept', {
    body: { token, name: `Test ${role}`, password: 'a long test passphrase', ageConfirmed: true },
  });
  if (accepted.status !== 201) throw new Error(`accepting the invitation failed: ${accepted.status}`);
  return accepted.body;
}
