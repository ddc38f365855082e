"""The demo tickets: what people of the demo company and its clients typically ask for.

`requester` is an employee key or a contact mailbox from `loader`; `status` is where the ticket
ends up (the loader walks it there through the lifecycle); the texts become the comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Priority, TicketChannel, TicketStatus

S = TicketStatus
P = Priority
C = TicketChannel


@dataclass(frozen=True)
class DemoTicket:
    subject: str
    description: str
    service: str
    type: str
    requester: str
    status: str
    age_hours: float
    priority: int = Priority.NORMAL
    channel: str = TicketChannel.OPERATOR
    question: str = ""  # public question before "waiting"
    note: str = ""  # private work note
    solution: str = ""  # public comment on resolving
    reopen: str = ""  # the requester's reply that resumes the ticket


TICKETS: list[DemoTicket] = [
    DemoTicket("Не работает интернет в переговорной 3", "С утра нет сети на ноутбуках в переговорной, Wi-Fi виден.",
               "Интернет", "incident", "kozlov", S.IN_PROGRESS, 3, P.HIGH, C.PHONE,
               note="Точка доступа AP-3 не получает адрес, проверяю порт на коммутаторе."),
    DemoTicket("Медленно открываются сайты", "Страницы грузятся по минуте, особенно после обеда.",
               "Интернет", "incident", "fedorova", S.WAITING, 27, channel=C.EMAIL,
               question="Подскажите, пожалуйста, с какого компьютера вы работаете (инвентарный номер)?"),
    DemoTicket("Доступ к сайту поставщика заблокирован", "Сайт поставщика открывается с ошибкой «Доступ запрещён».",
               "Интернет", "service_request", "popov", S.RESOLVED, 50,
               note="Добавил домен в белый список прокси.", solution="Доступ открыт, проверьте, пожалуйста."),
    DemoTicket("Нет интернета в филиале Санкт-Петербург", "Весь офис без интернета с 9:40.",
               "Интернет", "incident", "d.gromov", S.CLOSED, 140, P.CRITICAL, C.EMAIL,
               note="Авария у провайдера, заявка у провайдера № 55812.",
               solution="Провайдер устранил аварию на магистрали, связь восстановлена."),
    DemoTicket("Подключить гостевой Wi-Fi для семинара", "Нужен гостевой доступ для 20 участников в четверг.",
               "Интернет", "service_request", "zaitsev", S.NEW, 5),
    DemoTicket("VPN отключается каждые 10 минут", "При работе из дома VPN-соединение постоянно рвётся.",
               "Интернет", "incident", "vasilieva", S.RESUMED, 96,
               solution="Обновили профиль VPN-клиента.", reopen="После обновления всё равно отключается."),
    DemoTicket("Интернет в Краснодаре работает с перебоями", "Пропадает связь на несколько минут каждый час.",
               "Интернет", "incident", "v.titova", S.IN_PROGRESS, 20, P.HIGH, C.EMAIL),
    DemoTicket("Настроить VPN для удалённого сотрудника", "Сотруднику на удалёнке нужен доступ к 1С.",
               "Интернет", "service_request", "r.egorov", S.CLOSED, 330, channel=C.EMAIL,
               solution="Профиль VPN отправлен сотруднику, доступ проверен."),

    DemoTicket("Не приходят письма от клиентов", "Письма с внешних адресов не доходят со вчерашнего вечера.",
               "Корпоративная почта", "incident", "kozlov", S.RESOLVED, 30, P.CRITICAL, C.PHONE,
               note="Переполнилась очередь антиспама, очистил и перезапустил службу.",
               solution="Почта доставляется, задержанные письма пришли."),
    DemoTicket("Создать почтовый ящик для нового сотрудника", "С понедельника выходит менеджер Орехов Илья.",
               "Корпоративная почта", "service_request", "fedorova", S.CLOSED, 200,
               solution="Ящик i.orekhov@corp.example создан, пароль передан руководителю."),
    DemoTicket("Переполнен почтовый ящик", "Приходит предупреждение, что ящик заполнен на 98 %.",
               "Корпоративная почта", "service_request", "lebedeva", S.IN_PROGRESS, 8,
               note="Увеличить квоту до 10 ГБ, согласовано с Морозовой Е. В."),
    DemoTicket("Outlook просит пароль при каждом запуске", "После смены пароля Outlook постоянно спрашивает пароль.",
               "Корпоративная почта", "incident", "popov", S.WAITING, 44, channel=C.EMAIL,
               question="Перезагрузите, пожалуйста, компьютер и сообщите, повторяется ли запрос."),
    DemoTicket("Настроить общий ящик sales@", "Нужен общий ящик отдела продаж с доступом для всех менеджеров.",
               "Корпоративная почта", "service_request", "kozlov", S.NEW, 2),
    DemoTicket("Письма клиентам попадают в спам", "Клиенты жалуются, что наши письма уходят в спам.",
               "Корпоративная почта", "incident", "k.kirillov", S.IN_PROGRESS, 16, P.HIGH, C.EMAIL,
               note="Проверить записи SPF и DKIM домена romashka.example."),
    DemoTicket("Восстановить удалённое письмо", "Случайно удалила письмо с договором от 12-го числа.",
               "Корпоративная почта", "service_request", "a.belova", S.CLOSED, 170, channel=C.EMAIL,
               solution="Письмо восстановлено из резервной копии в папку «Входящие»."),
    DemoTicket("Автоответ на время отпуска", "Прошу настроить автоответ с 1 по 14 число.",
               "Корпоративная почта", "service_request", "novikova", S.CANCELLED, 70),

    DemoTicket("Принтер на 2 этаже замял бумагу", "HP LaserJet у бухгалтерии замял бумагу и не печатает.",
               "Принтеры", "incident", "novikova", S.RESOLVED, 26, channel=C.PHONE,
               solution="Бумагу извлекли, принтер печатает."),
    DemoTicket("Заменить картридж в отделе продаж", "Принтер пишет «Низкий уровень тонера».",
               "Принтеры", "service_request", "fedorova", S.CLOSED, 120,
               solution="Картридж заменён."),
    DemoTicket("Не сканирует в папку", "МФУ Kyocera выдаёт ошибку при сканировании в сетевую папку.",
               "Принтеры", "incident", "zaitsev", S.IN_PROGRESS, 6,
               note="После смены пароля сервисной учётки нужно обновить адресную книгу МФУ."),
    DemoTicket("Подключить сетевой принтер", "Новому сотруднику нужно подключить принтер отдела.",
               "Принтеры", "service_request", "vasilieva", S.NEW, 1),
    DemoTicket("Принтер печатает полосы", "На всех страницах серые вертикальные полосы.",
               "Принтеры", "incident", "a.belova", S.WAITING, 52, channel=C.EMAIL,
               question="Пришлите, пожалуйста, фото распечатки и модель принтера."),
    DemoTicket("Не печатает принтер в приёмной", "Задания уходят в очередь и зависают.",
               "Принтеры", "incident", "k.kirillov", S.RESOLVED, 36, channel=C.EMAIL,
               note="Зависла служба печати на сервере, перезапущена.", solution="Очередь печати очищена."),

    DemoTicket("Не работает внутренний номер 412", "Телефон показывает «Нет регистрации».",
               "Телефония", "incident", "vasilieva", S.IN_PROGRESS, 4, P.HIGH, C.PHONE),
    DemoTicket("Подключить междугороднюю связь", "Нужна междугородняя связь для звонков в филиалы.",
               "Телефония", "service_request", "popov", S.RESOLVED, 75,
               solution="Междугородняя связь подключена на номер 411."),
    DemoTicket("Плохая слышимость при звонках клиентам", "Собеседники жалуются на эхо и пропадание звука.",
               "Телефония", "incident", "kozlov", S.WAITING, 33,
               question="В какое время чаще всего бывают проблемы?"),
    DemoTicket("Настроить переадресацию на мобильный", "На время командировки переадресовать 401 на мобильный.",
               "Телефония", "service_request", "kozlov", S.CLOSED, 300,
               solution="Переадресация настроена до пятницы."),
    DemoTicket("Не работает IP-телефония в филиале Екатеринбург", "Не проходят входящие звонки.",
               "Телефония", "incident", "s.makarova", S.NEW, 3, P.HIGH, C.EMAIL),
    DemoTicket("Новый номер для переговорной", "Нужен внутренний номер для телефона в переговорной 5.",
               "Телефония", "service_request", "k.kirillov", S.CANCELLED, 90, channel=C.EMAIL),

    DemoTicket("Организовать рабочее место для нового сотрудника", "Компьютер, монитор, телефон, учётная запись.",
               "Рабочее место", "service_request", "kozlov", S.IN_PROGRESS, 48,
               note="Ноутбук выдан со склада, ждём второй монитор."),
    DemoTicket("Не включается компьютер", "При нажатии кнопки питания ничего не происходит.",
               "Рабочее место", "incident", "novikova", S.CLOSED, 220, P.HIGH, C.PHONE,
               solution="Заменён блок питания."),
    DemoTicket("Установить программу для работы с PDF", "Нужна программа для редактирования PDF-документов.",
               "Рабочее место", "service_request", "lebedeva", S.RESOLVED, 28,
               solution="Программа установлена, ярлык на рабочем столе."),
    DemoTicket("Медленно работает ноутбук", "Ноутбук долго загружается и зависает при работе с Excel.",
               "Рабочее место", "incident", "fedorova", S.RESUMED, 160,
               solution="Удалены лишние программы из автозагрузки.", reopen="Через день снова тормозит."),
    DemoTicket("Нужен второй монитор", "Прошу выдать второй монитор для работы с отчётами.",
               "Рабочее место", "service_request", "zaitsev", S.NEW, 12,
               note="Мониторы будут на складе в конце месяца."),
    DemoTicket("Заменить клавиатуру", "Залипают клавиши.", "Рабочее место", "service_request", "popov",
               S.CLOSED, 400, P.LOW, solution="Клавиатура заменена."),
    DemoTicket("Перенос рабочего места в другой кабинет", "Переезд из 305 в 312 кабинет в пятницу.",
               "Рабочее место", "service_request", "vasilieva", S.WAITING, 60,
               question="Во сколько в пятницу удобно перенести компьютер?"),

    DemoTicket("Справка 2-НДФЛ", "Прошу подготовить справку 2-НДФЛ за прошлый год.",
               "Бухгалтерия", "service_request", "fedorova", S.RESOLVED, 40,
               solution="Справка готова, заберите в бухгалтерии, каб. 210."),
    DemoTicket("Оформить командировку в Санкт-Петербург", "Командировка с 10 по 12 число, нужен аванс.",
               "Бухгалтерия", "service_request", "zaitsev", S.IN_PROGRESS, 10,
               note="Приказ подписан, аванс в ближайший платёжный день."),
    DemoTicket("Вопрос по расчёту отпускных", "Сумма отпускных меньше ожидаемой, прошу разъяснить.",
               "Бухгалтерия", "appeal", "popov", S.CLOSED, 180,
               solution="Отправили расчёт с пояснениями на почту."),
    DemoTicket("Справка с места работы", "Нужна справка с места работы для банка.",
               "Бухгалтерия", "service_request", "vasilieva", S.NEW, 7),
    DemoTicket("Авансовый отчёт не принят", "Вернули авансовый отчёт без объяснения причин.",
               "Бухгалтерия", "appeal", "kozlov", S.WAITING, 22,
               question="Приложите, пожалуйста, оригиналы чеков за гостиницу."),
    DemoTicket("Копия трудового договора", "Прошу выдать заверенную копию трудового договора.",
               "Бухгалтерия", "service_request", "fedorova", S.CANCELLED, 260),
]
