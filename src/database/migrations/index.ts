import { Migration20261129000000Initial } from './Migration20261129000000Initial';

/** Listed explicitly so the same migrations run from ts-jest and from dist/ (no file globbing). */
export const MIGRATIONS = [{ name: 'Migration20261129000000Initial', class: Migration20261129000000Initial }];
