// Runs fauxqs (ESM-only) without its per-request logging, which its CLI always turns on.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: Number(process.env.FAUXQS_PORT ?? 4566), logger: false });
process.on('SIGTERM', () => server.stop().finally(() => process.exit(0)));
