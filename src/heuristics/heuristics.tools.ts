import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import {
  getRoutingHeuristicsInput,
  GetRoutingHeuristicsInput,
  getRoutingHeuristicsOutput,
  GetRoutingHeuristicsOutput,
  RoutingRuleDto,
  updateRoutingHeuristicInput,
  UpdateRoutingHeuristicInput,
  updateRoutingHeuristicOutput,
  UpdateRoutingHeuristicOutput,
} from './heuristics.schemas';
import { HeuristicsService } from './heuristics.service';

function describeRule(r: RoutingRuleDto): string {
  const model = r.preferredModel ? ` model ${r.preferredModel}` : '';
  const flags = [r.active ? 'active' : 'inactive', r.pinned ? 'pinned' : '', r.source].filter(Boolean).join(', ');
  return `#${r.id} /${r.pattern}/i -> ${r.preferredLayer}${model} (priority ${r.priority}; ${flags})`;
}

/** Tool declarations for routing heuristics; the logic lives in HeuristicsService. */
@Injectable()
export class HeuristicsTools {
  constructor(private readonly heuristics: HeuristicsService) {}

  @Tool({
    name: 'update_routing_heuristic',
    description:
      'Create or update (by pattern) a routing rule: prompts matching the RE2 pattern (case-insensitive) go to the preferred layer/model. ' +
      'Rules are tried by priority, highest first; successRate, usageCount and reasoning are kept in the rule metadata.',
    input: updateRoutingHeuristicInput,
    output: updateRoutingHeuristicOutput,
    text: (r) => `${r.created ? 'Created' : 'Updated'} routing rule ${describeRule(r.rule)}`,
  })
  async updateRoutingHeuristic(input: UpdateRoutingHeuristicInput): Promise<UpdateRoutingHeuristicOutput> {
    return this.heuristics.upsertRule(input);
  }

  @Tool({
    name: 'get_routing_heuristics',
    description:
      'List routing rules, highest priority first (then newest); only active ones unless activeOnly is false.',
    input: getRoutingHeuristicsInput,
    output: getRoutingHeuristicsOutput,
    readOnly: true,
    text: (r) =>
      r.items.length === 0
        ? 'No routing rules.'
        : [`${r.total} routing rule(s):`, ...r.items.map(describeRule)].join('\n'),
  })
  async getRoutingHeuristics(input: GetRoutingHeuristicsInput): Promise<GetRoutingHeuristicsOutput> {
    return this.heuristics.listRules(input);
  }
}
