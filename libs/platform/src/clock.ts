import { Injectable } from '@nestjs/common';

/**
 * The time services stamp on the events they write. One injectable source, so that rules
 * spanning days (the 10-day undo window, take-out cycles) are tested end to end by moving it.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
