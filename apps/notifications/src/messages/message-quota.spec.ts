import { istMonth } from './message-quota.js';

describe('the messages-a-month period', () => {
  it('is the IST calendar month: 1st 00:00 IST (18:30 UTC the day before) to the next 1st', () => {
    expect(istMonth(new Date('2027-01-31T18:29:59.999Z'))).toEqual({
      start: new Date('2026-12-31T18:30:00.000Z'),
      end: new Date('2027-01-31T18:30:00.000Z'),
    });
    expect(istMonth(new Date('2027-01-31T18:30:00.000Z'))).toEqual({
      start: new Date('2027-01-31T18:30:00.000Z'),
      end: new Date('2027-02-28T18:30:00.000Z'),
    });
    expect(istMonth(new Date('2027-12-15T00:00:00Z')).end).toEqual(new Date('2027-12-31T18:30:00.000Z'));
  });
});
