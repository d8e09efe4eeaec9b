import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@lekha/runtime';
import type { BillingConfig } from '../config/billing.config.js';
import { checkParty, type Party } from './gst.js';

/** The platform's supplier details, SAC and series prefixes, from configuration (checked at start). */
@Injectable()
export class PlatformSupplier {
  readonly party: Party;
  readonly sac: string;
  readonly invoicePrefix: string;
  readonly creditNotePrefix: string;

  constructor(@Inject(SERVICE_CONFIG) config: BillingConfig) {
    this.party = {
      legalName: config.BILLING_SUPPLIER_LEGAL_NAME,
      tradeName: config.BILLING_SUPPLIER_TRADE_NAME,
      gstin: config.BILLING_SUPPLIER_GSTIN,
      address: {
        line1: config.BILLING_SUPPLIER_ADDRESS,
        city: config.BILLING_SUPPLIER_CITY,
        pin: config.BILLING_SUPPLIER_PIN,
        stateCode: config.BILLING_SUPPLIER_STATE,
      },
      email: config.BILLING_SUPPLIER_EMAIL,
    };
    checkParty(this.party, 'BILLING_SUPPLIER', true);
    this.sac = config.BILLING_SAC;
    this.invoicePrefix = config.BILLING_INVOICE_PREFIX;
    this.creditNotePrefix = config.BILLING_CREDIT_NOTE_PREFIX;
  }
}
