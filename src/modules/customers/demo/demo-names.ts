/**
 * Word lists behind the demo data: names, cities, channels, e-mail domains, phone prefixes and the product
 * catalogue. Weights are relative (they need not sum to anything); the generator turns them into cumulative
 * arrays that SQL searches with width_bucket().
 */

export type Weighted<T> = readonly [T, number];

/** The most common Chinese surnames with their approximate share of the population (%). */
export const SURNAMES: readonly (readonly [hanzi: string, pinyin: string, weight: number])[] = [
  ['王', 'wang', 7.12], ['李', 'li', 7.0], ['张', 'zhang', 6.6], ['刘', 'liu', 5.3], ['陈', 'chen', 4.5],
  ['杨', 'yang', 3.1], ['黄', 'huang', 2.2], ['赵', 'zhao', 2.0], ['吴', 'wu', 2.0], ['周', 'zhou', 1.9],
  ['徐', 'xu', 1.45], ['孙', 'sun', 1.4], ['马', 'ma', 1.3], ['朱', 'zhu', 1.26], ['胡', 'hu', 1.15],
  ['郭', 'guo', 1.1], ['何', 'he', 1.05], ['林', 'lin', 1.0], ['高', 'gao', 1.0], ['罗', 'luo', 0.9],
  ['郑', 'zheng', 0.8], ['梁', 'liang', 0.8], ['谢', 'xie', 0.7], ['宋', 'song', 0.7], ['唐', 'tang', 0.6],
  ['许', 'xu', 0.6], ['韩', 'han', 0.6], ['冯', 'feng', 0.55], ['邓', 'deng', 0.55], ['曹', 'cao', 0.5],
  ['彭', 'peng', 0.5], ['曾', 'zeng', 0.5], ['肖', 'xiao', 0.5], ['田', 'tian', 0.45], ['董', 'dong', 0.45],
  ['袁', 'yuan', 0.4], ['潘', 'pan', 0.4], ['于', 'yu', 0.4], ['蒋', 'jiang', 0.4], ['蔡', 'cai', 0.4],
  ['余', 'yu', 0.4], ['杜', 'du', 0.35], ['叶', 'ye', 0.35], ['程', 'cheng', 0.35], ['苏', 'su', 0.33],
  ['魏', 'wei', 0.33], ['吕', 'lv', 0.33], ['丁', 'ding', 0.32], ['任', 'ren', 0.3], ['沈', 'shen', 0.3],
  ['姚', 'yao', 0.28], ['卢', 'lu', 0.28], ['姜', 'jiang', 0.27], ['崔', 'cui', 0.27], ['钟', 'zhong', 0.27],
  ['谭', 'tan', 0.26], ['陆', 'lu', 0.25], ['汪', 'wang', 0.25], ['范', 'fan', 0.25], ['金', 'jin', 0.24],
  ['石', 'shi', 0.24], ['廖', 'liao', 0.23], ['贾', 'jia', 0.23], ['夏', 'xia', 0.22], ['韦', 'wei', 0.22],
  ['付', 'fu', 0.22], ['方', 'fang', 0.21], ['白', 'bai', 0.2], ['邹', 'zou', 0.2], ['孟', 'meng', 0.2],
  ['熊', 'xiong', 0.2], ['秦', 'qin', 0.19], ['邱', 'qiu', 0.19], ['江', 'jiang', 0.19], ['尹', 'yin', 0.18],
  ['薛', 'xue', 0.18], ['闫', 'yan', 0.17], ['段', 'duan', 0.17], ['雷', 'lei', 0.17], ['侯', 'hou', 0.16],
  ['龙', 'long', 0.16], ['史', 'shi', 0.16], ['陶', 'tao', 0.15], ['黎', 'li', 0.15], ['贺', 'he', 0.15],
  ['顾', 'gu', 0.15], ['毛', 'mao', 0.14], ['郝', 'hao', 0.14], ['龚', 'gong', 0.14], ['邵', 'shao', 0.14],
  ['万', 'wan', 0.13], ['钱', 'qian', 0.13], ['严', 'yan', 0.12], ['覃', 'qin', 0.12], ['武', 'wu', 0.12],
  ['戴', 'dai', 0.12], ['莫', 'mo', 0.11], ['孔', 'kong', 0.11], ['向', 'xiang', 0.11], ['汤', 'tang', 0.1],
  ['欧阳', 'ouyang', 0.05], ['司马', 'sima', 0.01], ['上官', 'shangguan', 0.01], ['诸葛', 'zhuge', 0.01],
];

// Characters of given names, with the pinyin used for e-mail local parts.
const GIVEN_MALE: readonly (readonly [string, string])[] = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['勇', 'yong'], ['杰', 'jie'], ['涛', 'tao'],
  ['斌', 'bin'], ['超', 'chao'], ['刚', 'gang'], ['平', 'ping'], ['辉', 'hui'], ['鹏', 'peng'], ['飞', 'fei'],
  ['鑫', 'xin'], ['波', 'bo'], ['浩', 'hao'], ['凯', 'kai'], ['健', 'jian'], ['俊', 'jun'], ['帆', 'fan'],
  ['帅', 'shuai'], ['旭', 'xu'], ['龙', 'long'], ['阳', 'yang'], ['建', 'jian'], ['国', 'guo'], ['峰', 'feng'],
  ['成', 'cheng'], ['博', 'bo'], ['志', 'zhi'], ['轩', 'xuan'], ['泽', 'ze'], ['睿', 'rui'], ['梓', 'zi'],
  ['豪', 'hao'], ['瑞', 'rui'], ['哲', 'zhe'], ['航', 'hang'], ['昊', 'hao'], ['然', 'ran'], ['锐', 'rui'],
  ['毅', 'yi'], ['铭', 'ming'], ['宏', 'hong'], ['亮', 'liang'], ['东', 'dong'], ['振', 'zhen'], ['彬', 'bin'],
  ['天', 'tian'], ['永', 'yong'], ['立', 'li'], ['新', 'xin'], ['子', 'zi'],
];
const GIVEN_FEMALE: readonly (readonly [string, string])[] = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['娟', 'juan'],
  ['霞', 'xia'], ['秀', 'xiu'], ['燕', 'yan'], ['玲', 'ling'], ['桂', 'gui'], ['丹', 'dan'], ['萍', 'ping'],
  ['红', 'hong'], ['琳', 'lin'], ['雪', 'xue'], ['婷', 'ting'], ['慧', 'hui'], ['莹', 'ying'], ['颖', 'ying'],
  ['倩', 'qian'], ['洁', 'jie'], ['晶', 'jing'], ['琪', 'qi'], ['怡', 'yi'], ['梦', 'meng'], ['涵', 'han'],
  ['诗', 'shi'], ['悦', 'yue'], ['彤', 'tong'], ['可', 'ke'], ['馨', 'xin'], ['璐', 'lu'], ['露', 'lu'],
  ['薇', 'wei'], ['蕾', 'lei'], ['妍', 'yan'], ['萌', 'meng'], ['婉', 'wan'], ['瑶', 'yao'], ['月', 'yue'],
  ['美', 'mei'], ['梅', 'mei'], ['兰', 'lan'], ['若', 'ruo'], ['紫', 'zi'], ['依', 'yi'], ['珊', 'shan'],
  ['蓉', 'rong'], ['欢', 'huan'], ['雯', 'wen'], ['菲', 'fei'],
];
// Used for both genders.
const GIVEN_NEUTRAL: readonly (readonly [string, string])[] = [
  ['文', 'wen'], ['明', 'ming'], ['晓', 'xiao'], ['小', 'xiao'], ['海', 'hai'], ['春', 'chun'], ['玉', 'yu'],
  ['家', 'jia'], ['一', 'yi'], ['宇', 'yu'], ['林', 'lin'], ['安', 'an'], ['佳', 'jia'], ['云', 'yun'],
  ['欣', 'xin'], ['嘉', 'jia'], ['思', 'si'], ['雨', 'yu'], ['华', 'hua'], ['清', 'qing'], ['晨', 'chen'],
];
export const GIVEN_FOR_MEN = [...GIVEN_MALE, ...GIVEN_NEUTRAL];
export const GIVEN_FOR_WOMEN = [...GIVEN_FEMALE, ...GIVEN_NEUTRAL];

export const ENGLISH_MALE = [
  'James', 'David', 'Michael', 'Kevin', 'Jason', 'Eric', 'Tony', 'Jack', 'Leo', 'Daniel', 'Andy', 'Peter', 'Frank',
  'Vincent', 'Steven', 'Alex', 'Ryan', 'Sam', 'Henry', 'William', 'Oliver', 'Lucas', 'Ethan', 'Ben',
] as const;
export const ENGLISH_FEMALE = [
  'Emily', 'Grace', 'Amy', 'Linda', 'Cindy', 'Vivian', 'Jenny', 'Lily', 'Sophia', 'Olivia', 'Emma', 'Chloe', 'Iris',
  'Cathy', 'Tina', 'Helen', 'Sarah', 'Jessica', 'Annie', 'Coco', 'Fiona', 'Sophie', 'Angela', 'Judy',
] as const;
export const WESTERN_SURNAMES = [
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Miller', 'Wilson', 'Anderson', 'Thomas', 'Martin', 'Lee', 'Walker', 'White',
  'Harris', 'Clark', 'Lewis', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nguyen', 'Kim',
] as const;

/** Cities weighted roughly by their share of online shoppers. */
export const CITIES: readonly Weighted<string>[] = [
  ['上海', 9], ['北京', 9], ['深圳', 6.5], ['广州', 6], ['杭州', 5], ['成都', 5], ['重庆', 4], ['武汉', 4],
  ['南京', 3.5], ['苏州', 3.5], ['西安', 3], ['天津', 3], ['长沙', 2.8], ['郑州', 2.8], ['东莞', 2.2], ['青岛', 2.2],
  ['宁波', 2], ['佛山', 2], ['合肥', 2], ['沈阳', 1.8], ['昆明', 1.8], ['厦门', 1.6], ['福州', 1.6], ['济南', 1.6],
  ['无锡', 1.5], ['大连', 1.4], ['哈尔滨', 1.3], ['石家庄', 1.2], ['长春', 1.1], ['南宁', 1.1], ['温州', 1.1],
  ['贵阳', 1], ['南昌', 1], ['泉州', 1], ['太原', 0.9], ['常州', 0.9], ['珠海', 0.8], ['惠州', 0.7], ['嘉兴', 0.7],
  ['绍兴', 0.7], ['金华', 0.7], ['中山', 0.6], ['烟台', 0.6], ['兰州', 0.6], ['徐州', 0.6], ['台州', 0.6],
  ['海口', 0.5], ['乌鲁木齐', 0.5], ['洛阳', 0.5], ['扬州', 0.5], ['潍坊', 0.5], ['保定', 0.5], ['唐山', 0.5],
  ['汕头', 0.5], ['呼和浩特', 0.4], ['江门', 0.4], ['三亚', 0.3], ['西宁', 0.2], ['银川', 0.2], ['拉萨', 0.1],
];

export const PREFERRED_CHANNELS: readonly Weighted<string>[] = [['wecom', 40], ['sms', 25], ['app', 20], ['email', 15]];

export const ACQUISITION_CHANNELS: readonly Weighted<string>[] = [
  ['tmall', 22], ['wechat_mini_program', 16], ['douyin', 14], ['offline_store', 14], ['jd', 12], ['xiaohongshu', 8],
  ['referral', 6], ['wecom', 5], ['weibo', 3],
];

/** Where demo orders come from; each customer has a usual channel and strays from it now and then. */
export const ORDER_SOURCES: readonly (readonly [source: string, externalPrefix: string, weight: number])[] = [
  ['tmall', 'TB', 35], ['wechat_mall', 'WX', 25], ['jd', 'JD', 20], ['pos', 'POS', 20],
];

export const EMAIL_DOMAINS: readonly Weighted<string>[] = [
  ['qq.com', 34], ['163.com', 20], ['gmail.com', 8], ['outlook.com', 6], ['126.com', 5], ['foxmail.com', 4],
  ['hotmail.com', 3], ['sina.com', 3], ['139.com', 2], ['yeah.net', 1],
  // Company mailboxes.
  ['huaxin-tech.cn', 2], ['dingsheng-group.com', 2], ['jinqiao-capital.com', 1.5], ['tianyuan-logistics.cn', 1.5],
  ['mingde-edu.cn', 1.5], ['longteng-auto.com', 1.5], ['ruifeng-med.com', 1.5], ['haoyun-foods.cn', 1.5],
];

/** Mobile number prefixes (first three digits after +86) in use, weighted by how common they are. */
export const MOBILE_PREFIXES: readonly Weighted<string>[] = [
  ['138', 6], ['139', 6], ['137', 5], ['136', 5], ['135', 5], ['134', 3], ['133', 3], ['132', 3], ['131', 3], ['130', 3],
  ['159', 4], ['158', 4], ['157', 2], ['156', 3], ['155', 2], ['153', 2], ['152', 3], ['151', 3], ['150', 3],
  ['189', 4], ['188', 4], ['187', 4], ['186', 4], ['185', 3], ['184', 1], ['183', 3], ['182', 3], ['181', 3], ['180', 3],
  ['177', 2], ['176', 2], ['175', 1], ['173', 2], ['172', 0.5], ['166', 1], ['147', 0.5],
  ['199', 2], ['198', 2], ['191', 1], ['195', 0.5], ['193', 0.5],
];

/** The demo shop's catalogue: SKU, name, list price in fen. The generator sorts it by price. */
export const PRODUCTS: readonly (readonly [sku: string, name: string, priceFen: number])[] = [
  // food & fresh
  ['FD-10001', '每日坚果混合装 30袋', 8990], ['FD-10002', '手撕面包 1kg 整箱', 2990], ['FD-10003', '辣条大礼包 60包', 1990],
  ['FD-10004', '黑糖珍珠奶茶 12杯装', 3990], ['FD-10005', '五常稻花香大米 5kg', 5990], ['FD-10006', '赣南脐橙 5斤装', 3980],
  ['FD-10007', '智利车厘子 2斤 JJ级', 12900], ['FD-10008', '阳澄湖大闸蟹礼券 8只装', 59800], ['FD-10009', '阿克苏冰糖心苹果 10斤', 4990],
  ['FD-10010', '意式挂耳咖啡 50包', 6900], ['FD-10011', '低脂纯牛奶 250ml×24', 5990], ['FD-10012', '冷冻黑虎虾 1kg', 8900],
  ['FD-10013', '原味酸奶 200g×12', 4590], ['FD-10014', '螺蛳粉 5包装', 3290], ['FD-10015', '流心奶黄月饼礼盒 8饼装', 16800],
  ['FD-10016', '手工粽子礼盒 10只', 12800], ['FD-10017', '云南小粒咖啡豆 500g', 7900], ['FD-10018', '即食燕窝礼盒 6瓶', 49800],
  // tea & drinks
  ['TD-20001', '明前西湖龙井 特级 250g', 39800], ['TD-20002', '云南普洱熟茶饼 357g', 16800], ['TD-20003', '安溪铁观音礼盒 500g', 22800],
  ['TD-20004', '53度酱香型白酒 500ml', 149900], ['TD-20005', '52度浓香型白酒 500ml', 32900], ['TD-20006', '波尔多干红葡萄酒 750ml', 19800],
  ['TD-20007', '精酿啤酒 330ml×24', 13900], ['TD-20008', '无糖气泡水 480ml×15', 5490],
  // beauty
  ['BT-30001', '玻尿酸补水面膜 10片', 9900], ['BT-30002', '氨基酸洁面乳 120g', 5900], ['BT-30003', '修护精华液 50ml', 89000],
  ['BT-30004', '抗老紧致面霜 50ml', 128000], ['BT-30005', '清爽防晒霜 SPF50+ 60ml', 16900], ['BT-30006', '丝绒哑光口红 正红色', 32000],
  ['BT-30007', '花香调淡香水 50ml', 78000], ['BT-30008', '温和卸妆水 400ml', 8900], ['BT-30009', '男士控油洁面套装', 12900],
  ['BT-30010', '精华护肤水 230ml', 154000],
  // home & appliances
  ['HM-40001', '原木抽纸 3层 24包', 4990], ['HM-40002', '洗衣凝珠 52颗', 5990], ['HM-40003', '全棉四件套 1.8m', 29900],
  ['HM-40004', '天然乳胶枕 一对', 25900], ['HM-40005', '不粘炒锅 32cm', 19900], ['HM-40006', '不锈钢保温杯 500ml', 12900],
  ['HM-40007', '声波电动牙刷', 29900], ['HM-40008', '美白牙膏 3支装', 4990], ['HM-40009', '香氛沐浴露 1L', 5990],
  ['HM-40010', '香薰蜡烛礼盒', 15900], ['HM-40011', '扫拖一体机器人', 249900], ['HM-40012', '除甲醛空气净化器', 189900],
  ['HM-40013', '破壁料理机', 59900], ['HM-40014', '智能电饭煲 4L', 39900], ['HM-40015', '高速负离子吹风机', 299900],
  // apparel
  ['AP-50001', '纯棉圆领T恤', 7900], ['AP-50002', '连帽长款羽绒服', 99900], ['AP-50003', '缓震运动跑鞋', 59900],
  ['AP-50004', '直筒牛仔裤', 19900], ['AP-50005', '羊绒围巾', 49900], ['AP-50006', '真丝连衣裙', 89900],
  ['AP-50007', '免烫商务衬衫', 25900], ['AP-50008', '运动袜 5双装', 3900], ['AP-50009', '通勤双肩背包', 29900],
  ['AP-50010', '头层牛皮手提包', 259900],
  // electronics
  ['EL-60001', '主动降噪无线耳机', 129900], ['EL-60002', '智能运动手环', 24900], ['EL-60003', '充电宝 20000mAh', 14900],
  ['EL-60004', '快充数据线 2条装', 3900], ['EL-60005', '机械键盘 青轴', 39900], ['EL-60006', '平板电脑保护套', 9900],
  ['EL-60007', '智能音箱', 29900], ['EL-60008', '磁吸手机壳', 4900],
  // mother & baby, pets
  ['MB-70001', '婴儿纸尿裤 L码 84片', 16900], ['MB-70002', '婴儿配方奶粉 3段 800g', 36800], ['MB-70003', '儿童益智积木', 19900],
  ['MB-70004', '婴儿湿巾 80抽×10包', 6990], ['MB-70005', '儿童保温水杯', 12900], ['PT-71001', '全价猫粮 10kg', 39900],
  ['PT-71002', '冻干猫零食', 8900], ['PT-71003', '成犬狗粮 15kg', 45900],
  // books, flowers, health
  ['BK-80001', '畅销小说 精装', 4980], ['BK-80002', '儿童绘本 10册套装', 12800], ['BK-80003', '鲜花月卡 4束', 19900],
  ['HL-81001', '复合维生素 100片', 19800], ['HL-81002', '深海鱼油软胶囊 120粒', 26800], ['HL-81003', '乳清蛋白粉 900g', 32800],
];

/** Chinese New Year's day (Gregorian) by year: the weeks around it are the quietest of the year. */
export const CHINESE_NEW_YEAR: Readonly<Record<number, string>> = {
  2020: '2020-01-25', 2021: '2021-02-12', 2022: '2022-02-01', 2023: '2023-01-22', 2024: '2024-02-10',
  2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13',
  2030: '2030-02-03', 2031: '2031-01-23', 2032: '2032-02-11', 2033: '2033-01-31', 2034: '2034-02-19',
  2035: '2035-02-08',
};

/** Share of orders by hour of day (China time): evenings are busiest, with a small midnight-sale bump. */
export const HOUR_WEIGHTS: readonly number[] = [
  1.5, 0.8, 0.4, 0.25, 0.2, 0.25, 0.5, 1.0, 1.6, 2.0, 2.4, 2.5, 2.8, 2.6, 2.4, 2.4, 2.4, 2.5, 2.8, 3.4, 4.2, 4.6, 3.8, 2.4,
];
