import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AuditVerifyResult } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';

export const AuditVerify = () => {
  const { t } = useTranslation();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<AuditVerifyResult>();
  const [error, setError] = useState<unknown>();

  const verify = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setResult(await api.get<AuditVerifyResult>('/api/audit/verify'));
    } catch (failure) {
      setResult(undefined);
      setError(failure);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button icon={<SafetyCertificateOutlined />} loading={running} onClick={verify} data-testid="audit-verify">
        {t('audit.verify')}
      </Button>
      <ErrorAlert error={error} />
      {result && (
        <Alert
          data-testid="audit-verify-result"
          type={result.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setResult(undefined) }}
          title={
            result.ok ? t('audit.verifyOk', { count: result.checked }) : t('audit.verifyFailed', { count: result.checked, problems: result.problems.length })
          }
          description={
            result.problems.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {result.problems.map((problem) => (
                  <li key={`${problem.seq}-${problem.kind}`}>
                    #{problem.seq} · {t(`auditProblems.${problem.kind}`, { defaultValue: problem.kind })} · {problem.message}
                  </li>
                ))}
              </ul>
            )
          }
        />
      )}
    </Space>
  );
};
