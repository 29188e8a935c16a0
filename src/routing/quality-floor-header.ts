import { InvalidInputError } from '../errors';

/** The request header that overrides optimizer.objective.qualityFloor for one request. */
export const QUALITY_FLOOR_HEADER = 'x-gateway-quality-floor';

/**
 * The request's quality floor from its header: undefined when absent, else a number in 0..1.
 * @throws InvalidInputError (param x-gateway-quality-floor) for anything else
 */
export function qualityFloorOf(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  const floor = text !== undefined && /^\s*(0|1|0?\.\d+|0\.|1\.0*)\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(floor) || floor < 0 || floor > 1)
    throw new InvalidInputError(`${QUALITY_FLOOR_HEADER}: must be a number between 0 and 1 (got "${text}")`, {
      code: 'invalid_request',
      param: QUALITY_FLOOR_HEADER,
    });
  return floor;
}
