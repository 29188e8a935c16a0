import { useTestDatabase } from '../../../test/helpers/test-database';
import { LearnerStateRepository } from './learner-state.repository';

describe('LearnerStateRepository', () => {
  let repo: LearnerStateRepository;
  const database = useTestDatabase(['learner_state']);
  beforeAll(() => {
    repo = new LearnerStateRepository(database.db);
  });

  it('saves over the version last read, and refuses a save over a stale one (another replica saved)', async () => {
    expect(await repo.load('r')).toBeUndefined();
    expect(await repo.save('r', 0, { a: 1, text: 'a;b' })).toBe(1);
    expect(await repo.save('r', 1, { a: 2 })).toBe(2);
    // A replica that last saw version 1 does not overwrite version 2.
    expect(await repo.save('r', 1, { a: 3 })).toBeUndefined();
    expect(await repo.load('r')).toEqual({ version: 2, snapshot: { a: 2 } });
  });
});
