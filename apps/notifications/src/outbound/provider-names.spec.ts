import { MessagingProviderNames } from '@lekha/contracts';
import { ProviderNames } from '@lekha/providers';

describe('provider names', () => {
  it('are the same in the settings contract as in the providers port', () => {
    expect([...MessagingProviderNames]).toEqual([...ProviderNames]);
  });
});
