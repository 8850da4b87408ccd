export * from './errors.ts';
export * from './limits.ts';
export * from './platforms.ts';
export * from './schemas.ts';
export * from './text.ts';
export * from './types.ts';
