// `npm run db:migrate -w server`: applies the drizzle migrations to DATABASE_URL (a libSQL server such as Turso,
// or a file). The Node server migrates on start; Workers cannot read the migration files, so run this before a deploy.
import { readConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';

const config = readConfig(process.env);
const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
database.close();
console.log(`migrated ${config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}`);
