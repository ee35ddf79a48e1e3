import { z } from 'zod';
import type { Db, Trx } from '../../platform/db.ts';
import { readSetting } from '../../platform/settings.ts';

export const IDENTIFIER_TYPES = ['member_no', 'user_id', 'wechat_unionid', 'phone', 'email', 'wechat_openid', 'external', 'anonymous_id'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export const SURVIVORSHIP = ['most_recent', 'most_trusted', 'most_frequent'] as const;
export type Survivorship = (typeof SURVIVORSHIP)[number];

const perType = <T extends z.ZodType>(schema: T) => z.object(Object.fromEntries(IDENTIFIER_TYPES.map((t) => [t, schema])) as Record<IdentifierType, T>);

export const IdentityRulesSchema = z.object({
  /** Which identifier decides when a record matches several customers (higher wins). */
  priorities: perType(z.number().int().min(0).max(1000)),
  /**
   * How many distinct values of a type one customer may hold. A merge that would exceed a limit of 1
   * (two different member numbers) is refused; other limits stop linking further values.
   */
  maxPerCustomer: perType(z.number().int().min(1).max(10_000)),
  /** An identifier claimed by more customers than this is quarantined: it links no one any more. */
  quarantineAfterCustomers: z.number().int().min(2).max(1000),
  /** Default region for phone numbers written without a country code. */
  phoneRegion: z.string().regex(/^[A-Z]{2}$/),
  survivorship: z.object({
    default: z.enum(SURVIVORSHIP),
    fields: z.record(z.string(), z.enum(SURVIVORSHIP)),
  }),
});
export type IdentityRules = z.infer<typeof IdentityRulesSchema>;

export const DEFAULT_IDENTITY_RULES: IdentityRules = {
  priorities: { member_no: 100, user_id: 90, wechat_unionid: 80, phone: 70, email: 60, wechat_openid: 50, external: 40, anonymous_id: 10 },
  maxPerCustomer: { member_no: 1, user_id: 1, wechat_unionid: 1, phone: 5, email: 5, wechat_openid: 20, external: 50, anonymous_id: 500 },
  quarantineAfterCustomers: 3,
  phoneRegion: 'CN',
  survivorship: {
    default: 'most_recent',
    fields: { display_name: 'most_trusted', member_no: 'most_trusted', 'attr:birthday': 'most_frequent', 'attr:gender': 'most_frequent' },
  },
};

export const IDENTITY_RULES_KEY = 'identity.rules';

export const loadIdentityRules = (db: Db | Trx): Promise<IdentityRules> => readSetting(db, IDENTITY_RULES_KEY, IdentityRulesSchema, DEFAULT_IDENTITY_RULES);
