import { Injectable } from '@nestjs/common';

/**
 * The wall clock of the features whose state turns with the calendar (budget periods, alert cool-downs).
 * One injectable, so a spec can move a whole running gateway to the next day by replacing `now`.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
