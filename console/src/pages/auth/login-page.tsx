import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import type { Permission } from '../../api/types';
import { LangSwitch } from '../../components/lang-switch';
import { errorMessage } from '../../i18n/error-message';
import { firstAllowedPath, safeNextPath } from '../../layout/nav-pages';
import { useSession } from '../../session/session-context';

interface LoginForm {
  email: string;
  password: string;
}

interface LoginFailure {
  title: string;
  /** The server's own words, e.g. when a locked account may retry. */
  detail?: string;
}

const landingPath = (next: string | null, permissions: readonly Permission[]): string =>
  safeNextPath(next, permissions) ?? firstAllowedPath(permissions) ?? '/';

export const LoginPage = () => {
  const { t } = useTranslation();
  const { me, login } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<LoginFailure>();

  if (me === undefined) return <Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />;
  if (me) return <Navigate to={landingPath(params.get('next'), me.permissions)} replace />;

  const onFinish = async ({ email, password }: LoginForm) => {
    setSubmitting(true);
    setFailure(undefined);
    try {
      const user = await login(email.trim(), password);
      navigate(landingPath(params.get('next'), user.permissions), { replace: true });
    } catch (error) {
      const title = errorMessage(t, error);
      const detail = error instanceof ApiError && error.message !== title ? error.message : undefined;
      setFailure({ title, detail });
      setSubmitting(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f5f5f5' }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 24 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <LangSwitch />
        </div>
        <Typography.Paragraph type="secondary">{t('auth.loginTitle')}</Typography.Paragraph>
        {failure && <Alert type="error" showIcon title={failure.title} description={failure.detail} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form<LoginForm> layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" autoFocus data-testid="login-email" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('auth.login')}
          </Button>
        </Form>
      </Card>
    </div>
  );
};
