import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { z } from 'zod';
import { loadConfig } from '../src/config';
import { createDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrator';
import { seedDemoData } from '../src/domains/demo-data';
import { demoPasswordFor } from '../src/domains/identity/demo-data';
import { domainCatalogue } from '../src/domains/modules';
import { SecretBox } from '../src/platform/auth/secret-box';
import { email, moduleList, password, personName, tenantSlug, timezone } from '../src/domains/identity/schemas';
import { createTenant, DEFAULT_TIMEZONE } from '../src/domains/identity/tenants';

const usage = `Uso: npm run tenant:seed -- --slug acme --name "Acme" --owner-email dono@acme.test --owner-password '…'
        [--owner-name "Nome"] [--timezone America/Sao_Paulo] [--modules helpdesk,agenda] [--demo] [--json]

Cria a empresa, seus papéis padrão e o proprietário (DATABASE_URL, ou o banco embutido em DATA_DIR).`;

const argumentsSchema = z.strictObject({
  slug: tenantSlug,
  name: z.string().trim().min(1, 'informe --name').max(200),
  ownerEmail: email,
  ownerPassword: password,
  ownerName: personName.optional(),
  timezone: timezone.default(DEFAULT_TIMEZONE),
  modules: z
    .string()
    .optional()
    .transform((list) =>
      list
        ? list
            .split(',')
            .map((module) => module.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(moduleList),
  demo: z.boolean().default(false),
  json: z.boolean().default(false),
});

function fail(message: string, exitCode = 2): never {
  console.error(message);
  process.exit(exitCode);
}

const parsedArgs = (() => {
  try {
    return parseArgs({
      options: {
        slug: { type: 'string' },
        name: { type: 'string' },
        'owner-email': { type: 'string' },
        'owner-password': { type: 'string' },
        'owner-name': { type: 'string' },
        timezone: { type: 'string' },
        modules: { type: 'string' },
        demo: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${usage}`);
  }
})();
if (parsedArgs.help) fail(usage, 0);

const parsed = argumentsSchema.safeParse({
  slug: parsedArgs.slug,
  name: parsedArgs.name,
  ownerEmail: parsedArgs['owner-email'],
  ownerPassword: parsedArgs['owner-password'],
  ownerName: parsedArgs['owner-name'],
  timezone: parsedArgs.timezone,
  modules: parsedArgs.modules,
  demo: parsedArgs.demo,
  json: parsedArgs.json,
});
if (!parsed.success) {
  const flag = (key: PropertyKey) => `--${String(key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  fail(
    `${parsed.error.issues
      .map(
        (issue) =>
          `${
            issue.path
              .filter((key) => typeof key === 'string')
              .map(flag)
              .join(' ') || 'argumentos'
          }: ${issue.message}`,
      )
      .join('\n')}\n\n${usage}`,
  );
}
const input = parsed.data;

try {
  const config = loadConfig();
  const database = await createDatabase(config.database);
  try {
    await migrateToLatest(database);
    const created = await createTenant(database.db, {
      slug: input.slug,
      name: input.name,
      timezone: input.timezone,
      modules: input.modules,
      owner: { email: input.ownerEmail, password: input.ownerPassword, name: input.ownerName ?? input.ownerEmail.split('@')[0]! },
    });
    let demoPassword: string | undefined;
    if (input.demo) {
      const bar = input.json
        ? undefined
        : new SingleBar({ format: 'Dados de demonstração [{bar}] {value}/{total} {step}', hideCursor: true }, Presets.shades_classic);
      bar?.start(1, 0, { step: '' });
      const tenant = { id: created.tenantId, slug: created.slug, modules: input.modules ?? [] };
      const userPassword = demoPasswordFor(config.env);
      // Only a generated password needs showing; the published one is in the README.
      if (config.env === 'production') demoPassword = userPassword;
      const deps = {
        secrets: new SecretBox(config.secretsKey),
        publicUrl: config.publicUrl,
        permissions: domainCatalogue.permissions,
        userPassword,
      };
      await seedDemoData(database.db, tenant, deps, (progress) => {
        bar?.setTotal(progress.total);
        bar?.update(progress.done, { step: progress.step });
      });
      bar?.stop();
    }
    if (input.json)
      console.log(
        JSON.stringify({ tenantId: created.tenantId, slug: created.slug, ownerId: created.ownerId, demoUsersPassword: demoPassword }),
      );
    else {
      console.log(`Empresa ${created.slug} criada (id ${created.tenantId}); proprietário ${input.ownerEmail} (id ${created.ownerId}).`);
      if (demoPassword) console.log(`Senha dos usuários de demonstração (mostrada só agora): ${demoPassword}`);
    }
  } finally {
    await database.close();
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error), 1);
}
