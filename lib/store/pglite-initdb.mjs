// Creates a new PGlite cluster in the folder given as argv[2], then exits. Run as a separate process
// because initdb grows PGlite's WebAssembly memory to ≈ 850 MB, which a process never gives back: the
// long-lived server then opens the finished cluster and stays at a fraction of that.
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create({ dataDir: process.argv[2] });
await db.close();
