import { Migration20261129000000Initial } from './Migration20261129000000Initial';
import { Migration20261129020000AbTests } from './Migration20261129020000AbTests';
import { Migration20261130100000ApiKeysLastUsed } from './Migration20261130100000ApiKeysLastUsed';
import { Migration20261202104500RequestLogCached } from './Migration20261202104500RequestLogCached';
import { Migration20261202104700LearnerState } from './Migration20261202104700LearnerState';
import { Migration20261202104800AbTestMaxSample } from './Migration20261202104800AbTestMaxSample';
import { Migration20261202114300Guardrails } from './Migration20261202114300Guardrails';
import { Migration20261202115900RegressionLastError } from './Migration20261202115900RegressionLastError';
import { Migration20261203100000JudgeScore } from './Migration20261203100000JudgeScore';

/** Listed explicitly so the same migrations run from ts-jest and from dist/ (no file globbing). */
export const MIGRATIONS = [
  { name: 'Migration20261129000000Initial', class: Migration20261129000000Initial },
  { name: 'Migration20261129020000AbTests', class: Migration20261129020000AbTests },
  { name: 'Migration20261130100000ApiKeysLastUsed', class: Migration20261130100000ApiKeysLastUsed },
  { name: 'Migration20261202104500RequestLogCached', class: Migration20261202104500RequestLogCached },
  { name: 'Migration20261202104700LearnerState', class: Migration20261202104700LearnerState },
  { name: 'Migration20261202104800AbTestMaxSample', class: Migration20261202104800AbTestMaxSample },
  { name: 'Migration20261202114300Guardrails', class: Migration20261202114300Guardrails },
  { name: 'Migration20261202115900RegressionLastError', class: Migration20261202115900RegressionLastError },
  { name: 'Migration20261203100000JudgeScore', class: Migration20261203100000JudgeScore },
];
