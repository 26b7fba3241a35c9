/**
 * zod as the schemas use it: `zod/mini` (the functional API, ~28 KB bundled where the chaining
 * API `zod` is ~95 KB, in every Lambda bundle), with the English messages `zod` itself configures
 * on import, so a default message reads the same.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
