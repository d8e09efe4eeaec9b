export * from './request-context.js';
export * from './header-codec.js';
export * from './roles.js';
export * from './data-disclosure.js';
