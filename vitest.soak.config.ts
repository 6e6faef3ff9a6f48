import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The soak suite: crash loops and long runs, kept out of `npm test`. SOAK_KILLS sets how many kills. */
export default defineConfig({ ...base, test: { ...base.test, include: ['test/soak/**/*.test.ts'], exclude: configDefaults.exclude } });
