import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { createDatabase } from '../src/db/database';
import { migrateDown, migrateToLatest, migrationStatus } from '../src/db/migrator';

const usage = 'Uso: npm run migrate -- up|down|status   (DATABASE_URL, ou o banco embutido em DATA_DIR)';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
const command = positionals[0] ?? 'up';
if (values.help || !['up', 'down', 'status'].includes(command) || positionals.length > 1) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  const config = loadConfig();
  const database = await createDatabase(config.database);
  try {
    if (command === 'up') {
      const applied = await migrateToLatest(database);
      console.log(applied.length > 0 ? `Aplicadas: ${applied.join(', ')}` : 'Nada a aplicar: o banco está atualizado.');
    } else if (command === 'down') {
      const reverted = await migrateDown(database);
      console.log(reverted.length > 0 ? `Revertida: ${reverted.join(', ')}` : 'Nenhuma migração para reverter.');
    } else {
      for (const migration of await migrationStatus(database)) {
        console.log(
          `${migration.executedAt ? `aplicada em ${migration.executedAt.toISOString()}` : 'pendente                        '}  ${migration.name}`,
        );
      }
    }
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
