import { readFileSync, readdirSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApprenticeFlowStack, stackEnvironment } from './infra/stack.ts';
const app = new App({ outdir: '/tmp/nag-out', context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
new ApprenticeFlowStack(app, 'ApprenticeFlow', { env: stackEnvironment({}) });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
try { app.synth(); } catch (e) { console.log('synth threw:', String(e).slice(0, 300)); }
const report = JSON.parse(readFileSync('/tmp/nag-out/validation-report.json', 'utf8'));
const summary = new Map<string, Set<string>>();
for (const plugin of report.pluginReports ?? []) for (const v of plugin.violations ?? []) {
  const key = `${v.ruleName}: ${String(v.description ?? '').slice(0, 90)}`;
  const set = summary.get(key) ?? new Set(); for (const r of v.violatingResources ?? []) set.add(r.resourceLogicalId ?? r.locations?.[0] ?? '?'); summary.set(key, set);
}
for (const [k, s] of summary) console.log(s.size, k, [...s].slice(0, 2).join(' '));
