import { describe, expect, it } from 'vitest';
import type { IdentityRules } from '../../api/identity-types';
import { toFormValues, toRules } from './identity-rules-form';

const rules: IdentityRules = {
  priorities: { member_no: 100, user_id: 90, wechat_unionid: 80, phone: 70, email: 60, wechat_openid: 50, external: 40, anonymous_id: 10 },
  maxPerCustomer: { member_no: 1, user_id: 1, wechat_unionid: 1, phone: 5, email: 5, wechat_openid: 20, external: 50, anonymous_id: 500 },
  quarantineAfterCustomers: 3,
  phoneRegion: 'CN',
  survivorship: { default: 'most_recent', fields: { display_name: 'most_trusted', birthday: 'most_frequent' } },
};

describe('identity rules form', () => {
  it('round-trips the rules unchanged', () => {
    expect(toRules(toFormValues(rules))).toEqual(rules);
  });

  it('turns override rows into the field map, trimming names and dropping blank rows', () => {
    const values = {
      ...toFormValues(rules),
      overrides: [
        { field: ' attr:city ', rule: 'most_frequent' as const },
        { field: '  ', rule: 'most_recent' as const },
      ],
    };
    expect(toRules(values).survivorship.fields).toEqual({ 'attr:city': 'most_frequent' });
  });
});
