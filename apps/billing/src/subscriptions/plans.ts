import {
  BUSINESS_ENTITLEMENTS,
  DEFAULT_ENTITLEMENTS,
  SIGNUP_PLAN_KEY,
  type Entitlements,
  type PlanView,
} from '@lekha/contracts';

export interface Plan {
  key: string;
  name: string;
  monthlyPricePaise: number;
  annualPricePaise: number;
  entitlements: Entitlements;
}

const GIB = 1024 ** 3;

/**
 * The plans on offer; annual prices are ten months' worth. `free` costs nothing; a tenant that has
 * chosen no plan yet is on its sign-up trial of `SIGNUP_PLAN_KEY` (Business).
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
    entitlements: BUSINESS_ENTITLEMENTS,
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
  /** The plan of a tenant that has chosen none yet (its sign-up trial). */
  get signup(): Plan {
    return this.find(SIGNUP_PLAN_KEY)!;
  }
  view(p: Plan): PlanView {
    return { ...p, default: p.key === DEFAULT_PLAN_KEY };
  }
}
