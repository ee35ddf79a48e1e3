import type { ImportKind } from '../ingest.tables.ts';

export const IMPORT_KINDS = ['customers', 'orders', 'refunds', 'tickets', 'messages'] as const satisfies readonly ImportKind[];

/** The identifiers an order, ticket or message may name its customer by (any one is enough). */
export const CUSTOMER_REF_FIELDS = ['customer_external_id', 'phone', 'email', 'member_no', 'wechat_unionid', 'wechat_openid'] as const;
export const CUSTOMER_ID_FIELDS = ['external_id', 'phone', 'email', 'member_no', 'wechat_unionid', 'wechat_openid'] as const;

const customerRef = [...CUSTOMER_REF_FIELDS, 'customer_name'] as const;

/** Guanxi's fields per kind, in the order the console lists them. */
export const KIND_FIELDS = {
  customers: [...CUSTOMER_ID_FIELDS, 'name'],
  orders: ['external_id', ...customerRef, 'placed_at', 'sku', 'product_name', 'quantity', 'unit_price', 'amount', 'currency', 'status'],
  refunds: ['external_id', 'order_external_id', 'amount', 'refunded_at', 'reason'],
  tickets: ['external_id', ...customerRef, 'subject', 'status', 'priority', 'channel', 'opened_at', 'closed_at'],
  messages: ['external_id', ...customerRef, 'community', 'channel', 'body', 'sent_at'],
} as const satisfies Record<ImportKind, readonly string[]>;

export type ImportField = (typeof KIND_FIELDS)[ImportKind][number];

/** Each entry must be mapped; an array means "at least one of these". */
export const REQUIRED_FIELDS: Record<ImportKind, (ImportField | readonly ImportField[])[]> = {
  customers: [CUSTOMER_ID_FIELDS],
  orders: ['external_id', CUSTOMER_REF_FIELDS, 'placed_at', ['amount', 'unit_price']],
  refunds: ['external_id', 'order_external_id', 'amount', 'refunded_at'],
  tickets: ['external_id', CUSTOMER_REF_FIELDS, 'opened_at'],
  messages: ['external_id', CUSTOMER_REF_FIELDS, 'body', 'sent_at'],
};

/** A column mapped to this is left out (for customers, unmapped columns become attributes). */
export const IGNORE = 'ignore';

// Column names (lower case, without spaces, `_`, `-`, `.`) that suggest a field, per kind where it differs.
const COMMON: Partial<Record<ImportField, string[]>> = {
  customer_external_id: ['customerid', 'custid', 'customerno', 'customernumber', 'clientid', '客户编号', '客户id', '客户号'],
  customer_name: ['customername', 'customer', 'clientname', '客户姓名', '客户名称', '客户', '姓名', '名字'],
  name: ['name', 'fullname', 'customername', 'displayname', '姓名', '名字', '客户姓名', '客户名称', '名称', '昵称'],
  phone: [
    'phone',
    'mobile',
    'mobilephone',
    'tel',
    'telephone',
    'phonenumber',
    'phoneno',
    'cellphone',
    'cell',
    '手机',
    '手机号',
    '手机号码',
    '电话',
    '联系电话',
    '电话号码',
  ],
  email: ['email', 'mail', 'emailaddress', '邮箱', '电子邮箱', '邮件', '邮箱地址', '电子邮件'],
  member_no: ['memberno', 'membernumber', 'membercard', 'cardno', 'loyaltyno', '会员号', '会员编号', '会员卡号', '会员卡'],
  wechat_unionid: ['unionid', 'wechatunionid', 'wxunionid', '微信unionid'],
  wechat_openid: ['openid', 'wechatopenid', 'wxopenid', '微信openid', '微信号'],
  placed_at: [
    'placedat',
    'orderdate',
    'orderdatetime',
    'ordertime',
    'invoicedate',
    'createdat',
    'date',
    'datetime',
    'time',
    '下单时间',
    '订单时间',
    '下单日期',
    '日期',
    '时间',
    '创建时间',
    '付款时间',
    '支付时间',
  ],
  sku: ['sku', 'stockcode', 'productcode', 'productid', 'itemcode', 'itemid', 'skucode', '商品编码', '货号', '商品编号', 'sku编码', '商品id'],
  product_name: ['productname', 'product', 'description', 'itemname', 'item', 'title', '商品名称', '商品', '品名', '商品标题', '产品名称'],
  quantity: ['quantity', 'qty', 'count', 'units', '数量', '购买数量', '件数'],
  unit_price: ['unitprice', 'price', 'saleprice', '单价', '价格', '售价', '商品单价'],
  amount: [
    'amount',
    'total',
    'linetotal',
    'grandtotal',
    'subtotal',
    'totalamount',
    'sales',
    '金额',
    '实付金额',
    '总金额',
    '订单金额',
    '支付金额',
    '实付款',
    '应付金额',
    '小计',
  ],
  currency: ['currency', 'currencycode', '币种', '货币'],
  status: ['status', 'orderstatus', 'state', 'ticketstatus', '状态', '订单状态', '工单状态', '交易状态'],
  order_external_id: ['orderno', 'orderid', 'ordernumber', 'invoiceno', 'invoice', 'originalorder', '订单号', '订单编号', '原订单号'],
  refunded_at: ['refundedat', 'refunddate', 'refundtime', 'date', 'time', 'createdat', '退款时间', '退款日期', '日期', '时间'],
  reason: ['reason', 'refundreason', 'note', 'remark', '原因', '退款原因', '备注'],
  subject: ['subject', 'title', 'summary', '主题', '标题', '问题', '问题描述'],
  priority: ['priority', 'urgency', '优先级', '紧急程度'],
  channel: ['channel', 'via', 'platform', '渠道', '来源', '来源渠道', '平台'],
  opened_at: ['openedat', 'createdat', 'created', 'opendate', 'submittedat', 'date', '创建时间', '提交时间', '开始时间', '日期'],
  closed_at: ['closedat', 'closed', 'closedate', 'solvedat', 'resolvedat', '关闭时间', '解决时间', '完成时间'],
  community: ['community', 'group', 'groupname', 'chat', 'room', '社群', '群', '群名', '群名称', '社群名称'],
  body: ['body', 'content', 'text', 'message', 'msg', '内容', '消息', '消息内容', '正文'],
  sent_at: ['sentat', 'senttime', 'time', 'timestamp', 'date', 'datetime', 'createdat', '发送时间', '时间', '日期'],
};

const EXTERNAL_ID: Record<ImportKind, string[]> = {
  customers: ['externalid', 'id', 'customerid', 'custid', 'customerno', 'customernumber', 'clientid', '客户编号', '客户id', '客户号', '编号'],
  orders: ['externalid', 'orderno', 'orderid', 'ordernumber', 'invoiceno', 'invoice', 'invoiceid', 'id', '订单号', '订单编号', '单号'],
  refunds: ['externalid', 'refundno', 'refundid', 'refundnumber', 'id', '退款单号', '退款编号', '售后单号'],
  tickets: ['externalid', 'ticketno', 'ticketid', 'ticketnumber', 'caseid', 'id', '工单号', '工单编号'],
  messages: ['externalid', 'messageid', 'msgid', 'id', '消息id', '消息编号'],
};

const REFUND_AMOUNT = ['refundamount', 'amount', 'total', '退款金额', '金额'];

const normalizeName = (name: string) => name.toLowerCase().replace(/[\s_\-.:()（）：]/g, '');

const synonyms = (kind: ImportKind, field: ImportField): string[] => {
  if (field === 'external_id') return EXTERNAL_ID[kind];
  if (kind === 'refunds' && field === 'amount') return REFUND_AMOUNT;
  return COMMON[field] ?? [];
};

/** Suggests a field for each column by its name (`手机号` → phone, `InvoiceNo` → external_id for orders). */
export const suggestMapping = (kind: ImportKind, header: readonly string[]): Record<string, ImportField> => {
  const fields: readonly ImportField[] = KIND_FIELDS[kind];
  const byName = new Map<string, ImportField>();
  // Earlier fields win a shared synonym (orders: `customer` id before name), as do exact field names.
  for (const f of fields) byName.set(normalizeName(f), f);
  for (const f of fields) for (const s of synonyms(kind, f)) if (!byName.has(s)) byName.set(s, f);
  const taken = new Set<ImportField>();
  const out: Record<string, ImportField> = {};
  for (const column of header) {
    const field = byName.get(normalizeName(column));
    if (field && !taken.has(field)) {
      out[column] = field;
      taken.add(field);
    }
  }
  return out;
};

export const isImportKind = (value: string): value is ImportKind => (IMPORT_KINDS as readonly string[]).includes(value);
