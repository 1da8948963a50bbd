// zod/mini (used for its small bundle; the sizes are in BENCHMARKS.md, "Bundle sizes") ships no error messages;
// this loads the English ones, once per process, so a 400 says what was wrong. Import it from every module that
// reports a schema's errors; the bundler keeps only the English locale.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());
