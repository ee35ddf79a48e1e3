import { CustomerServiceOutlined, MessageOutlined, RollbackOutlined, ShoppingCartOutlined, ThunderboltOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { TimelineKind } from '../../api/identity-types';

export const KIND_ICON: Record<TimelineKind, ReactNode> = {
  event: <ThunderboltOutlined />,
  order: <ShoppingCartOutlined />,
  refund: <RollbackOutlined />,
  ticket: <CustomerServiceOutlined />,
  message: <MessageOutlined />,
};

export const KIND_COLOR: Record<TimelineKind, string> = {
  event: 'blue',
  order: 'green',
  refund: 'red',
  ticket: 'orange',
  message: 'purple',
};
