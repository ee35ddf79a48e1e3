import { SearchOutlined } from '@ant-design/icons';
import { Button, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Plain input + button (not Input.Search) so `data-testid` lands on the <input> itself. */
export const CustomerSearch = ({ value, onSearch }: { value: string; onSearch: (q: string) => void }) => {
  const { t } = useTranslation();
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    // The URL changed (back button): show what the list is filtered by.
    setShown(value);
    setText(value);
  }

  return (
    <Space.Compact style={{ width: '100%', maxWidth: 480 }}>
      <Input
        value={text}
        allowClear
        placeholder={t('customers.searchPlaceholder')}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '' && value !== '') onSearch('');
        }}
        onPressEnter={() => onSearch(text.trim())}
        data-testid="customer-search"
      />
      <Button type="primary" icon={<SearchOutlined />} onClick={() => onSearch(text.trim())} data-testid="customer-search-submit">
        {t('common.search')}
      </Button>
    </Space.Compact>
  );
};
