import { Global, Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { BudgetSpend, KeyBudget } from './budget.entity';
import { BudgetsRepository } from './budgets.repository';
import { BudgetsService } from './budgets.service';

/** Spend budgets per API key and the global one; the set_key_budget tool is declared with the key tools (auth). */
@Global()
@ModuleEntities([KeyBudget, BudgetSpend])
@Module({
  providers: [BudgetsRepository, BudgetsService],
  exports: [BudgetsService],
})
export class BudgetsModule {}
