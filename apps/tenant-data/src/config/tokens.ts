export const MASTER_KEY = Symbol('MASTER_KEY');
export const CONFIG = Symbol('CONFIG');
