/** The registers' settings: the notice round, and the breach clocks (policy, not constants in code). */
export class RegistersOptions {
  constructor(
    readonly noticesEnabled: boolean,
    readonly tickMs: number,
    /** DPDP Rule 7(2)(a): "without delay"; the platform's own target for the Board's intimation. */
    readonly boardIntimationHours: number,
    /** DPDP Rule 7(2)(b): the detailed report within 72 hours. */
    readonly boardReportHours: number,
    /** CERT-In: 6 hours. */
    readonly certInHours: number,
  ) {}
}
