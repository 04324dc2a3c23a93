import { describe, expect, it } from 'vitest';

import { parseShapeSetting } from './shape.js';

describe('parseShapeSetting', () => {
  it.each([
    ['auto', 'auto'],
    ['(1,3,224,224)', [1, 3, 224, 224]],
    [' ( 1, 3, 224, 224 ) ', [1, 3, 224, 224]],
    ['(-1,3,-1,-1)', [-1, 3, -1, -1]],
    ['(1,3,200:300,200:300)', [1, 3, { min: 200, max: 300 }, { min: 200, max: 300 }]],
    ['(0)', [0]],
  ])('reads %j', (text, expected) => {
    expect(parseShapeSetting(text)).toEqual(expected);
  });

  it.each(['', '()', '1,3,224,224', '[1,3,224,224]', '(1,3,224 224)', '(1,-2)', '(1,3-)', '(300:200)', '(5:5)', '(1,,3)', '(a)', 'AUTO', '(99999999999999999999)'])(
    'rejects %j',
    (text) => {
      expect(parseShapeSetting(text)).toBeUndefined();
    },
  );
});
