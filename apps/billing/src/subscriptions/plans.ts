import { DEFAULT_ENTITLEMENTS, type Entitlements, type PlanView } from '@lekha/contracts';

export interface Plan {
  key: string;
  name: string;
  monthlyPricePaise: number;
  annualPricePaise: number;
  entitlements: Entitlements;
}

const GIB = 1024 ** 3;

/**
 * The plans on offer. `free` is the default: a tenant with no subscription (or whose services have
 * no snapshot of it yet) is held to its limits. Annual prices are ten months' worth.
 */
export const PLANS: readonly Plan[] = [
  {
    key: 'free',
    name: 'Free',
    monthlyPricePaise: 0,
    annualPricePaise: 0,
    entitlements: DEFAULT_ENTITLEMENTS,
  },
  {
    key: 'growth',
    name: 'Growth',
    monthlyPricePaise: 49_900,
    annualPricePaise: 499_000,
    entitlements: {
      limits: { customers: 5_000, staffSeats: 10, messagesPerMonth: 1_000, storageBytes: 20 * GIB },
      features: { whatsapp: true, apiKeys: true },
    },
  },
  {
    key: 'business',
    name: 'Business',
    monthlyPricePaise: 149_900,
    annualPricePaise: 1_499_000,
    entitlements: {
      limits: { customers: 50_000, staffSeats: 50, messagesPerMonth: 10_000, storageBytes: 200 * GIB },
      features: { whatsapp: true, apiKeys: true },
    },
  },
];

/** Development and test only: a plan small enough to reach its limits in a test. */
export const TINY_TEST_PLAN: Plan = {
  key: 'tiny',
  name: 'Tiny (test)',
  monthlyPricePaise: 30_000,
  annualPricePaise: 300_000,
  entitlements: {
    limits: { customers: 2, staffSeats: 2, messagesPerMonth: 3, storageBytes: 1024 * 1024 },
    features: { whatsapp: false, apiKeys: false },
  },
};

export const DEFAULT_PLAN_KEY = 'free';

export class PlanCatalog {
  readonly plans: readonly Plan[];
  constructor(env: string) {
    this.plans = env === 'production' ? PLANS : [...PLANS, TINY_TEST_PLAN];
  }
  find(key: string): Plan | undefined {
    return this.plans.find((p) => p.key === key);
  }
  get default(): Plan {
    return this.find(DEFAULT_PLAN_KEY)!;
  }
  view(p: Plan): PlanView {
    return { ...p, default: p.key === DEFAULT_PLAN_KEY };
  }
}
