import { Alert, Form, Input, Modal, Radio, Select } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Merge } from '../../api/identity-types';
import type { CustomerListItem, CustomerPage } from '../../api/types';
import { errorMessage } from '../../i18n/error-message';
import { customerNameLabel } from './customer-name';

interface MergeWithModalProps {
  open: boolean;
  customer: { id: string; displayName: string };
  onClose: () => void;
  /** Called with the merge made; its winner is the customer that remains. */
  onMerged: (merge: Merge) => void;
}

type Keep = 'this' | 'other';

/** Merges another customer with this one after searching for it; the rules may still refuse. */
export const MergeWithModal = ({ open, customer, onClose, onMerged }: MergeWithModalProps) => {
  const { t } = useTranslation();
  const nameOf = (c: { id: string; displayName: string }) => customerNameLabel(t, c).text;
  const describe = (c: CustomerListItem): string => [nameOf(c), c.memberNo ?? c.phone ?? c.email, c.id].filter(Boolean).join(' · ');
  const [options, setOptions] = useState<CustomerListItem[]>([]);
  const [searching, setSearching] = useState(false);
  const [picked, setPicked] = useState<CustomerListItem>();
  const [keep, setKeep] = useState<Keep>('this');
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latest = useRef('');

  useEffect(() => {
    if (!open) return;
    setOptions([]);
    setPicked(undefined);
    setKeep('this');
    setReason('');
    setError(undefined);
  }, [open]);

  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (q: string) => {
    clearTimeout(timer.current);
    latest.current = q;
    if (!q.trim()) return;
    timer.current = setTimeout(() => {
      setSearching(true);
      api
        .get<CustomerPage>('/api/customers', { q: q.trim(), pageSize: 10 })
        .then((page) => {
          if (latest.current === q) setOptions(page.items.filter((c) => c.id !== customer.id));
        })
        .catch((reason: unknown) => setError(reason))
        .finally(() => setSearching(false));
    }, 300);
  };

  const target = picked?.id;
  // The chosen customer stays selectable (and labelled) while a new search runs.
  const shown = picked && !options.some((c) => c.id === picked.id) ? [picked, ...options] : options;
  const [winner, loser] = keep === 'this' ? [nameOf(customer), picked && nameOf(picked)] : [picked && nameOf(picked), nameOf(customer)];

  const submit = async () => {
    if (!target) return;
    setSaving(true);
    setError(undefined);
    try {
      const body = keep === 'this' ? { winnerId: customer.id, loserId: target } : { winnerId: target, loserId: customer.id };
      const { merge } = await api.post<{ merge: Merge }>('/api/identity/merges', { ...body, reason: reason.trim() || undefined });
      onMerged(merge);
    } catch (reason) {
      setError(reason);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('profile.mergeTitle', { name: nameOf(customer) })}
      okText={t('profile.mergeSubmit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !target, danger: true, ...({ 'data-testid': 'merge-submit' } as object) }}
      confirmLoading={saving}
      onOk={() => {
        submit().catch(() => undefined);
      }}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form layout="vertical" data-testid="merge-modal">
        <Form.Item label={t('profile.mergeTarget')} required>
          <Select
            showSearch={{ filterOption: false, onSearch: search }}
            value={target}
            onChange={(value: string) => setPicked(shown.find((c) => c.id === value))}
            loading={searching}
            placeholder={t('customers.searchPlaceholder')}
            notFoundContent={null}
            options={shown.map((c) => ({ value: c.id, label: describe(c) }))}
            data-testid="merge-target"
          />
        </Form.Item>
        <Form.Item label={t('profile.mergeKeep')}>
          <Radio.Group value={keep} onChange={(e) => setKeep(e.target.value as Keep)}>
            <Radio value="this">{t('profile.mergeKeepThis')}</Radio>
            <Radio value="other" disabled={!target}>
              {t('profile.mergeKeepOther')}
            </Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item label={t('profile.mergeReason')}>
          <Input.TextArea value={reason} maxLength={500} rows={2} onChange={(e) => setReason(e.target.value)} data-testid="merge-reason" />
        </Form.Item>
        {picked && <Alert type="warning" showIcon title={t('profile.mergeSummary', { winner, loser })} style={{ marginBottom: 12 }} />}
        {error !== undefined && <Alert type="error" showIcon title={errorMessage(t, error)} data-testid="merge-error" />}
      </Form>
    </Modal>
  );
};
