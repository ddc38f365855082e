"""The demo organisation: departments, employees, client companies and contacts, teams, services
and the client agreement, as plain data for `loader.py`."""

from __future__ import annotations

from dataclasses import dataclass

from .. import roles

MAIL_DOMAIN = "corp.example"

# (name, parent name or None)
DEPARTMENTS: list[tuple[str, str | None]] = [
    ("ИТ-департамент", None),
    ("Служба поддержки", "ИТ-департамент"),
    ("Сети", "ИТ-департамент"),
    ("Системное администрирование", "ИТ-департамент"),
    ("Бухгалтерия", None),
    ("Отдел продаж", None),
    ("Региональные продажи", "Отдел продаж"),
]


@dataclass(frozen=True)
class DemoPerson:
    key: str  # mailbox name and, for those with a login, the username
    last_name: str
    first_name: str
    patronymic: str
    department: str
    position: str
    mobile: str
    extension: str
    roles: tuple[str, ...] = ()  # empty: no login, an unlicensed employee


EMPLOYEES: list[DemoPerson] = [
    DemoPerson(
        "operator",
        "Иванова",
        "Анна",
        "Сергеевна",
        "Служба поддержки",
        "Специалист первой линии",
        "+7 916 201-11-01",
        "201",
        (roles.SPECIALIST,),
    ),
    DemoPerson(
        "smirnov",
        "Смирнов",
        "Дмитрий",
        "Олегович",
        "Служба поддержки",
        "Специалист первой линии",
        "+7 916 201-11-02",
        "202",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "petrov",
        "Петров",
        "Пётр",
        "Алексеевич",
        "Системное администрирование",
        "Системный администратор",
        "+7 916 201-11-03",
        "211",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "kuznetsova",
        "Кузнецова",
        "Мария",
        "Игоревна",
        "Системное администрирование",
        "Администратор почтовых систем",
        "+7 916 201-11-04",
        "212",
        (roles.SECOND_LINE, roles.CHANGE_SPECIALIST),
    ),
    DemoPerson(
        "sokolov",
        "Соколов",
        "Андрей",
        "Викторович",
        "Системное администрирование",
        "Ведущий инженер",
        "+7 916 201-11-05",
        "213",
        (roles.SECOND_LINE, roles.PROBLEM_SPECIALIST),
    ),
    DemoPerson(
        "volkov",
        "Волков",
        "Игорь",
        "Николаевич",
        "Сети",
        "Сетевой инженер",
        "+7 916 201-11-06",
        "221",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "orlov",
        "Орлов",
        "Константин",
        "Павлович",
        "Сети",
        "Инженер связи",
        "+7 916 201-11-07",
        "222",
        (roles.SECOND_LINE,),
    ),
    DemoPerson(
        "morozova",
        "Морозова",
        "Елена",
        "Викторовна",
        "ИТ-департамент",
        "Директор по ИТ",
        "+7 916 201-11-08",
        "200",
        (roles.AUDITOR,),
    ),
    DemoPerson(
        "lebedeva", "Лебедева", "Ольга", "Михайловна", "Бухгалтерия", "Главный бухгалтер", "+7 916 201-11-09", "301"
    ),
    DemoPerson(
        "novikova",
        "Новикова",
        "Татьяна",
        "Андреевна",
        "Бухгалтерия",
        "Бухгалтер по расчётам",
        "+7 916 201-11-10",
        "302",
    ),
    DemoPerson(
        "kozlov",
        "Козлов",
        "Сергей",
        "Петрович",
        "Отдел продаж",
        "Руководитель отдела продаж",
        "+7 916 201-11-11",
        "401",
    ),
    DemoPerson(
        "fedorova", "Фёдорова", "Наталья", "Юрьевна", "Отдел продаж", "Менеджер по продажам", "+7 916 201-11-12", "402"
    ),
    DemoPerson(
        "popov",
        "Попов",
        "Алексей",
        "Романович",
        "Региональные продажи",
        "Региональный менеджер",
        "+7 916 201-11-13",
        "411",
    ),
    DemoPerson(
        "vasilieva",
        "Васильева",
        "Ирина",
        "Денисовна",
        "Региональные продажи",
        "Менеджер по продажам",
        "+7 916 201-11-14",
        "412",
    ),
    DemoPerson(
        "zaitsev",
        "Зайцев",
        "Михаил",
        "Евгеньевич",
        "Отдел продаж",
        "Менеджер по работе с ключевыми клиентами",
        "+7 916 201-11-15",
        "403",
    ),
]
# Department heads by department name -> employee key.
HEADS = {"ИТ-департамент": "morozova", "Бухгалтерия": "lebedeva", "Отдел продаж": "kozlov"}

# (name, parent name or None, mail domain, phone)
COMPANIES: list[tuple[str, str | None, str, str]] = [
    ("ООО «Ромашка»", None, "romashka.example", "+7 495 100-20-30"),
    ("ООО «Ромашка», филиал Санкт-Петербург", "ООО «Ромашка»", "spb.romashka.example", "+7 812 100-20-31"),
    ("ООО «Ромашка», филиал Краснодар", "ООО «Ромашка»", "krd.romashka.example", "+7 861 100-20-32"),
    ("АО «ТехноСтрой»", None, "technostroy.example", "+7 343 200-30-40"),
    ("АО «ТехноСтрой», филиал Екатеринбург", "АО «ТехноСтрой»", "ekb.technostroy.example", "+7 343 200-30-41"),
]

# (mailbox, domain, surname, name, patronymic, company, position, phone)
CONTACTS: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "a.belova",
        "romashka.example",
        "Белова",
        "Алина",
        "Сергеевна",
        "ООО «Ромашка»",
        "Офис-менеджер",
        "+7 495 100-20-33",
    ),
    (
        "k.kirillov",
        "romashka.example",
        "Кириллов",
        "Кирилл",
        "Андреевич",
        "ООО «Ромашка»",
        "Генеральный директор",
        "+7 495 100-20-34",
    ),
    (
        "d.gromov",
        "spb.romashka.example",
        "Громов",
        "Денис",
        "Ильич",
        "ООО «Ромашка», филиал Санкт-Петербург",
        "Руководитель филиала",
        "+7 812 100-20-35",
    ),
    (
        "v.titova",
        "krd.romashka.example",
        "Титова",
        "Вера",
        "Олеговна",
        "ООО «Ромашка», филиал Краснодар",
        "Администратор офиса",
        "+7 861 100-20-36",
    ),
    (
        "r.egorov",
        "technostroy.example",
        "Егоров",
        "Роман",
        "Валерьевич",
        "АО «ТехноСтрой»",
        "ИТ-менеджер",
        "+7 343 200-30-42",
    ),
    (
        "s.makarova",
        "ekb.technostroy.example",
        "Макарова",
        "Светлана",
        "Борисовна",
        "АО «ТехноСтрой», филиал Екатеринбург",
        "Секретарь",
        "+7 343 200-30-43",
    ),
]
COMPANY_HEADS = {"ООО «Ромашка»": "k.kirillov", "АО «ТехноСтрой»": "r.egorov"}

# (name, leader key, member keys, team mailbox)
TEAMS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("Первая линия", "operator", ("operator", "smirnov"), "support"),
    ("Вторая линия", "sokolov", ("petrov", "kuznetsova", "sokolov"), "line2"),
    ("Сети", "volkov", ("volkov", "orlov"), "network"),
]

# Seed 004, step 4: (name, name_en, description, ticket type codes, responsible team, responsible employee)
SERVICES: list[tuple[str, str, str, tuple[str, ...], str | None, str | None]] = [
    (
        "Интернет",
        "Internet",
        "Предоставление сотрудникам доступа в сеть интернет",
        ("incident", "service_request"),
        "Сети",
        None,
    ),
    (
        "Корпоративная почта",
        "Corporate e-mail",
        "Обмен электронными сообщениями между сотрудниками внутри компании и с внешними клиентами",
        ("incident", "service_request"),
        "Вторая линия",
        "kuznetsova",
    ),
    (
        "Принтеры",
        "Printers",
        "Предоставление сотрудникам возможности пользоваться оргтехникой",
        ("incident", "service_request"),
        "Первая линия",
        None,
    ),
    (
        "Телефония",
        "Telephony",
        "Предоставление сотрудникам городской, междугородней связи, IP-телефонии",
        ("incident", "service_request"),
        "Сети",
        "orlov",
    ),
    (
        "Рабочее место",
        "Workplace",
        "Организация рабочего места для сотрудников и его комплектация",
        ("incident", "service_request"),
        "Первая линия",
        None,
    ),
    (
        "Бухгалтерия",
        "Accounting",
        "Предоставление сотрудникам бухгалтерских документов: выдача справок, оформление командировок и т. д.",
        ("service_request", "appeal"),
        None,
        "lebedeva",
    ),
]

CLIENT_AGREEMENT = ("Обслуживание ООО «Ромашка»", "Romashka support")
CLIENT_AGREEMENT_SERVICES = ("Интернет", "Корпоративная почта", "Принтеры", "Телефония")
