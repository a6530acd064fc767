/** One line of `kiln doctor`'s table (doctor.ts and doctor-qemu.ts make them). */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}
