//! Name tables of the synthetic world (Kazakh, Russian, Uzbek, Uyghur, Tatar, Korean, German,
//! Ukrainian) with Zipf-like weights, and the rules that build gendered surnames and patronymics
//! in their Kazakh and Russian forms. Owns the *true* spellings only: it must never apply noise
//! (look-alike letters, Latin, typos) — that is `noise.rs`'s job.

use rand::Rng;
use std::sync::LazyLock;

/// Sex of a synthetic human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// Ethnic naming tradition of a synthetic human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ethnicity {
    Kazakh,
    Russian,
    Uzbek,
    Ukrainian,
    Uyghur,
    Tatar,
    German,
    Korean,
}

/// Population shares (per mille) of each tradition, in order.
pub const ETHNICITY_SHARES: [(Ethnicity, u32); 8] = [
    (Ethnicity::Kazakh, 700),
    (Ethnicity::Russian, 180),
    (Ethnicity::Uzbek, 35),
    (Ethnicity::Ukrainian, 20),
    (Ethnicity::Uyghur, 20),
    (Ethnicity::Tatar, 20),
    (Ethnicity::German, 15),
    (Ethnicity::Korean, 10),
];

/// Draw an ethnicity by population share.
pub fn ethnicity<R: Rng>(rng: &mut R) -> Ethnicity {
    let mut x = rng.random_range(0..1000u32);
    for (e, share) in ETHNICITY_SHARES {
        if x < share {
            return e;
        }
        x -= share;
    }
    Ethnicity::Kazakh
}

/// A Zipf–Mandelbrot sampler over ranks 1..=n: weight (rank + q)^-s.
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    /// Weights (rank + `q`)^-`s` for ranks 1..=n.
    pub fn new(n: usize, s: f64, q: f64) -> Zipf {
        assert!(n > 0, "Zipf over an empty table");
        let mut acc = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                acc += (r as f64 + q).powf(-s);
                acc
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank index in 0..n.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> usize {
        let total = *self.cumulative.last().expect("non-empty");
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len() - 1)
    }

    /// The probability of rank index `i`.
    pub fn probability(&self, i: usize) -> f64 {
        let total = *self.cumulative.last().expect("non-empty");
        let prev = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
        (self.cumulative[i] - prev) / total
    }
}

/// A name table with its Zipf sampler (order of the table = frequency rank).
pub struct Table {
    pub items: &'static [&'static str],
    zipf: Zipf,
}

impl Table {
    fn new(items: &'static [&'static str]) -> Table {
        Table {
            items,
            zipf: Zipf::new(items.len(), 1.0, 2.0),
        }
    }

    /// Draw one name by Zipf weight.
    pub fn pick<R: Rng>(&self, rng: &mut R) -> &'static str {
        self.items[self.zipf.sample(rng)]
    }
}

macro_rules! table {
    ($name:ident, $items:expr) => {
        pub static $name: LazyLock<Table> = LazyLock::new(|| Table::new($items));
    };
}

// ---------------------------------------------------------------- Kazakh

const KAZAKH_MALE_ITEMS: &[&str] = &[
    "Нұрлан",
    "Ерлан",
    "Серік",
    "Асхат",
    "Бауыржан",
    "Ержан",
    "Дәурен",
    "Қайрат",
    "Мұрат",
    "Марат",
    "Арман",
    "Асқар",
    "Бақыт",
    "Болат",
    "Ғалым",
    "Дархан",
    "Данияр",
    "Ерболат",
    "Ермек",
    "Жандос",
    "Қанат",
    "Қуаныш",
    "Мейрам",
    "Нұржан",
    "Нұрсұлтан",
    "Олжас",
    "Рүстем",
    "Сәкен",
    "Санжар",
    "Талғат",
    "Тимур",
    "Төлеген",
    "Ұлан",
    "Шыңғыс",
    "Әлібек",
    "Әділет",
    "Айбек",
    "Айдос",
    "Айдар",
    "Алмас",
    "Алмат",
    "Амангелді",
    "Арсен",
    "Арыстан",
    "Асан",
    "Әсет",
    "Ахмет",
    "Бағдат",
    "Бақытжан",
    "Бейбіт",
    "Бекзат",
    "Берік",
    "Бекболат",
    "Ғабит",
    "Дамир",
    "Дәулет",
    "Дидар",
    "Дулат",
    "Еділ",
    "Елдос",
    "Елжан",
    "Ербол",
    "Еркін",
    "Ерқанат",
    "Ертай",
    "Есен",
    "Жақсылық",
    "Жанат",
    "Жарас",
    "Жеңіс",
    "Жомарт",
    "Ильяс",
    "Исатай",
    "Ислам",
    "Қазбек",
    "Қалдыбек",
    "Қасым",
    "Құдайберген",
    "Қуандық",
    "Мағжан",
    "Мади",
    "Мақсат",
    "Медет",
    "Мирас",
    "Мұхтар",
    "Нариман",
    "Нұрбек",
    "Нұрболат",
    "Нұрғали",
    "Нұрлыбек",
    "Оспан",
    "Өмірзақ",
    "Пернебек",
    "Рахат",
    "Рамазан",
    "Руслан",
    "Сабит",
    "Саламат",
    "Самат",
    "Сапар",
    "Сейітжан",
    "Сұлтан",
    "Сырым",
    "Тамерлан",
    "Темірлан",
    "Төлеу",
    "Тұрсын",
    "Ұлықбек",
    "Бекжан",
    "Хамит",
    "Шәкен",
    "Ернар",
    "Әлихан",
    "Әли",
    "Абай",
    "Абылай",
    "Ансар",
    "Аслан",
    "Азамат",
    "Бекнұр",
    "Болатбек",
    "Дастан",
    "Жұмабек",
    "Жүсіп",
    "Кенжебек",
    "Мұхамеджан",
    "Нұрасыл",
    "Рауан",
    "Сағындық",
    "Сейітқали",
    "Серікбол",
    "Тоқтар",
    "Ұзақ",
    "Шерхан",
    "Ілияс",
    "Әмір",
    "Ерасыл",
    "Нұрислам",
    "Алдияр",
    "Ақжол",
    "Батыр",
    "Бексұлтан",
    "Дінмұхамед",
    "Жанұзақ",
    "Мұқағали",
    "Ораз",
    "Талап",
    "Тұрар",
    "Уәлихан",
    "Шоқан",
    "Ерғали",
    "Есжан",
    "Жалғас",
    "Қайыржан",
    "Мұратбек",
    "Нұртас",
    "Рысбек",
    "Серікжан",
    "Төрехан",
    "Хасен",
    "Жанболат",
    "Жасұлан",
    "Ақылбек",
    "Ербосын",
    "Бағлан",
    "Ерсін",
    "Мәди",
    "Әбілқайыр",
    "Сәбит",
    "Ғани",
    "Қалижан",
];

const KAZAKH_FEMALE_ITEMS: &[&str] = &[
    "Айгүл",
    "Гүлнар",
    "Динара",
    "Жанар",
    "Әсел",
    "Айжан",
    "Айнұр",
    "Ақмарал",
    "Ақбота",
    "Аида",
    "Айман",
    "Айдана",
    "Айсұлу",
    "Алия",
    "Алма",
    "Алтынай",
    "Анар",
    "Арай",
    "Арайлым",
    "Аружан",
    "Әсем",
    "Әйгерім",
    "Әлия",
    "Бағила",
    "Балжан",
    "Балнұр",
    "Бибігүл",
    "Ботагөз",
    "Гауһар",
    "Гүлмира",
    "Гүлжан",
    "Гүлшат",
    "Гүлназ",
    "Гүлзат",
    "Гүлден",
    "Гүлбану",
    "Гүлсім",
    "Дана",
    "Дариға",
    "Дина",
    "Жазира",
    "Жаннат",
    "Жансая",
    "Жұлдыз",
    "Жібек",
    "Зарина",
    "Зере",
    "Зәуре",
    "Зейнеп",
    "Индира",
    "Камила",
    "Қарлығаш",
    "Күлпаш",
    "Күнсұлу",
    "Ләззат",
    "Ләйлә",
    "Мадина",
    "Мақпал",
    "Маржан",
    "Меруерт",
    "Мөлдір",
    "Назерке",
    "Назым",
    "Нұргүл",
    "Нұржамал",
    "Райхан",
    "Раушан",
    "Роза",
    "Сабина",
    "Салтанат",
    "Сандуғаш",
    "Сәуле",
    "Сая",
    "Сымбат",
    "Толқын",
    "Томирис",
    "Ұлбосын",
    "Ұлжан",
    "Ұлпан",
    "Шолпан",
    "Шынар",
    "Эльмира",
    "Ақерке",
    "Аяжан",
    "Айару",
    "Айбала",
    "Айым",
    "Аймира",
    "Айсәуле",
    "Ақниет",
    "Ақтоты",
    "Алуа",
    "Анель",
    "Аяулым",
    "Бақытгүл",
    "Бибінұр",
    "Гүлнұр",
    "Гүлжазира",
    "Дамира",
    "Данагүл",
    "Дильназ",
    "Еркежан",
    "Жадыра",
    "Жамиля",
    "Жанель",
    "Жансұлу",
    "Зарема",
    "Іңкәр",
    "Қымбат",
    "Күләш",
    "Мариям",
    "Мейрамгүл",
    "Мира",
    "Нағима",
    "Назгүл",
    "Нұрсұлу",
    "Перизат",
    "Сағыныш",
    "Сәбира",
    "Сара",
    "Сәния",
    "Талшын",
    "Тоғжан",
    "Ұмсын",
    "Ұлдана",
    "Фарида",
    "Хадиша",
    "Шырын",
    "Эльвира",
    "Әминә",
    "Айкөркем",
    "Ақнұр",
    "Балауса",
    "Жаңыл",
    "Қаламқас",
    "Кәмшат",
    "Күнім",
    "Мәншүк",
    "Нәзира",
    "Несібелі",
    "Нұрайым",
    "Сезім",
    "Тұмар",
    "Ардақ",
    "Бота",
    "Гүлім",
    "Жамал",
    "Зағира",
    "Ырыс",
    "Әлима",
    "Баян",
    "Ақжарқын",
    "Гүлсара",
    "Бәтима",
    "Күлжан",
    "Ақсұлу",
    "Сәулет",
    "Айгерім",
    "Гүлбаршын",
    "Майра",
    "Ботакөз",
];

/// Kazakh surname roots in the dropped-ending form (Жұмабай → Жұмабаев). A trailing `+ин`
/// marks roots that take -ин (Сейфулла → Сейфуллин) instead of -ов/-ев.
const KAZAKH_SURNAME_ROOT_ITEMS: &[&str] = &[
    "Ахмет",
    "Жұмабай",
    "Серік",
    "Омар",
    "Сәрсенбай",
    "Қасым",
    "Мұқан",
    "Әбдірахман",
    "Тоқа",
    "Сүлеймен",
    "Ибраһим",
    "Исмаил",
    "Ысқақ",
    "Абдулла",
    "Кенже",
    "Мамыр",
    "Төлеген",
    "Байжан",
    "Жақып",
    "Жүсіп",
    "Бекет",
    "Құдайберген",
    "Мұсабай",
    "Сатыбалды",
    "Қожахмет",
    "Нұрмағамбет",
    "Есім",
    "Ерғали",
    "Тұрсын",
    "Қали",
    "Сағынтай",
    "Дүйсенбай",
    "Шаймерден",
    "Қуаныш",
    "Әбен",
    "Нұрлан",
    "Смағұл",
    "Оспан",
    "Мұхамедия",
    "Бейсен",
    "Әбіл",
    "Ермек",
    "Жақсылық",
    "Бекмұхамбет",
    "Тәжібай",
    "Қайырбек",
    "Сейтқали",
    "Әлімжан",
    "Байтұрсын",
    "Құнанбай",
    "Сейфулла+ин",
    "Алтынсар+ин",
    "Жұма",
    "Әли",
    "Мұса",
    "Ғабдулла+ин",
    "Құрманғали",
    "Бектұрған",
    "Назарбай",
    "Тоқай",
    "Жанұзақ",
    "Әуез",
    "Нұрпейіс",
    "Сыздық",
    "Бекбосын",
    "Қонысбай",
    "Ертай",
    "Төлеу",
    "Досмұхамбет",
    "Мырзахмет",
    "Рахым",
    "Сәдуақас",
    "Темірбек",
    "Молдабек",
    "Омарбек",
    "Ташен",
    "Орынбай",
    "Аман",
    "Қаражан",
    "Балтабай",
    "Мұратбек",
    "Есенғали",
    "Қалиақпар",
    "Тұрсынбай",
    "Сарсен",
    "Жетпісбай",
    "Жолдыбай",
    "Қойшыбай",
    "Шәріп",
    "Бақтыбай",
    "Қосшыбай",
    "Ыдырыс",
    "Мақаш",
    "Үсен",
    "Әбдіқадыр",
    "Иманғали",
    "Кәрім",
    "Ақыш",
    "Ақылбек",
    "Әбілда",
    "Дәулетбай",
    "Есжан",
    "Жәнібек",
    "Қабыл",
    "Қыдыр",
    "Мәмбет",
    "Нұрғали",
    "Рысқұл",
    "Сапар",
    "Тайжан",
    "Уәли",
    "Шалабай",
    "Ыбырай",
    "Байбол",
    "Базарбай",
    "Бердібек",
    "Біржан",
    "Дәуіт",
    "Ержан",
    "Елеу",
    "Жармұхамбет",
    "Зейнолла",
    "Ізбасар",
    "Кәкім",
    "Қалмұхамбет",
    "Қуандық",
    "Мейрам",
    "Мұқаш",
    "Мырзабек",
    "Нияз",
    "Оразбай",
    "Өтеген",
    "Рамазан",
    "Сағымбай",
    "Сәбит",
    "Тілеубай",
    "Тынышбай",
    "Ұзақбай",
    "Шоқай",
    "Әмір",
    "Жақан",
    "Қасен",
    "Мұхтар",
    "Сұлтанбек",
    "Асанбай",
    "Исабек",
    "Әбдікәрім",
    "Бисен",
    "Дүйсен",
    "Жаңабай",
    "Жолдас",
    "Кемел",
    "Құлмағамбет",
    "Мақсұт",
    "Мәжит",
    "Нұрымбет",
    "Ораз",
    "Сейіт",
    "Тәңірберген",
    "Тоқтар",
    "Файзолла+ин",
    "Хасен",
    "Шәкір",
    "Әбдіхалық",
    "Айтбай",
    "Ахметжан",
    "Байқадам",
    "Бексейіт",
    "Ғаббас",
    "Даулет",
    "Есмағамбет",
    "Жұмаділ",
    "Ибрай",
    "Кенесары",
    "Қайыржан",
    "Қалдыбай",
    "Мамай",
    "Мұхаметжан",
    "Насыр",
    "Нұрахмет",
    "Сейілбек",
    "Серікбай",
    "Сыдық",
    "Тілек",
    "Төлебай",
    "Ұлықбек",
    "Шынтас",
    "Ерназар",
    "Әлиасқар",
    "Әубәкір",
    "Бақыт",
    "Бекжан",
    "Дархан",
    "Жолдыбек",
    "Қанапия",
    "Қожабек",
    "Мұрат",
    "Нұрбек",
    "Омархан",
    "Райымбек",
    "Сәрсен",
    "Тұрлыбек",
    "Шамшы",
    "Ескендір",
    "Әбдіқадір",
    "Боранбай",
    "Жұмағали",
    "Қуат",
    "Маханбет",
    "Сейдахмет",
    "Әкім",
    "Бегалы",
    "Жаппар",
    "Көшербай",
    "Медеу",
    "Нұрмұхамбет",
    "Нұртай",
    "Садық",
    "Тәуке",
];

table!(KAZAKH_MALE, KAZAKH_MALE_ITEMS);
table!(KAZAKH_FEMALE, KAZAKH_FEMALE_ITEMS);
table!(KAZAKH_SURNAME_ROOTS, KAZAKH_SURNAME_ROOT_ITEMS);

// ---------------------------------------------------------------- Russian and others

/// Russian male names with their patronymic stems: "name:masculine patronymic:feminine".
const RUSSIAN_MALE_ITEMS: &[&str] = &[
    "Александр:Александрович:Александровна",
    "Сергей:Сергеевич:Сергеевна",
    "Андрей:Андреевич:Андреевна",
    "Дмитрий:Дмитриевич:Дмитриевна",
    "Алексей:Алексеевич:Алексеевна",
    "Владимир:Владимирович:Владимировна",
    "Евгений:Евгеньевич:Евгеньевна",
    "Николай:Николаевич:Николаевна",
    "Виктор:Викторович:Викторовна",
    "Игорь:Игоревич:Игоревна",
    "Юрий:Юрьевич:Юрьевна",
    "Олег:Олегович:Олеговна",
    "Иван:Иванович:Ивановна",
    "Михаил:Михайлович:Михайловна",
    "Павел:Павлович:Павловна",
    "Максим:Максимович:Максимовна",
    "Владислав:Владиславович:Владиславовна",
    "Денис:Денисович:Денисовна",
    "Вячеслав:Вячеславович:Вячеславовна",
    "Анатолий:Анатольевич:Анатольевна",
    "Валерий:Валерьевич:Валерьевна",
    "Василий:Васильевич:Васильевна",
    "Геннадий:Геннадьевич:Геннадьевна",
    "Роман:Романович:Романовна",
    "Константин:Константинович:Константиновна",
    "Артём:Артёмович:Артёмовна",
    "Никита:Никитич:Никитична",
    "Илья:Ильич:Ильинична",
    "Антон:Антонович:Антоновна",
    "Вадим:Вадимович:Вадимовна",
    "Кирилл:Кириллович:Кирилловна",
    "Пётр:Петрович:Петровна",
    "Фёдор:Фёдорович:Фёдоровна",
    "Георгий:Георгиевич:Георгиевна",
    "Борис:Борисович:Борисовна",
    "Леонид:Леонидович:Леонидовна",
    "Станислав:Станиславович:Станиславовна",
    "Григорий:Григорьевич:Григорьевна",
    "Виталий:Витальевич:Витальевна",
    "Ярослав:Ярославович:Ярославовна",
    "Степан:Степанович:Степановна",
    "Егор:Егорович:Егоровна",
    "Руслан:Русланович:Руслановна",
    "Эдуард:Эдуардович:Эдуардовна",
    "Аркадий:Аркадьевич:Аркадьевна",
    "Валентин:Валентинович:Валентиновна",
    "Яков:Яковлевич:Яковлевна",
    "Семён:Семёнович:Семёновна",
    "Тимофей:Тимофеевич:Тимофеевна",
    "Матвей:Матвеевич:Матвеевна",
    "Даниил:Даниилович:Данииловна",
    "Глеб:Глебович:Глебовна",
    "Лев:Львович:Львовна",
    "Альберт:Альбертович:Альбертовна",
    "Вениамин:Вениаминович:Вениаминовна",
    "Тарас:Тарасович:Тарасовна",
    "Богдан:Богданович:Богдановна",
    "Ростислав:Ростиславович:Ростиславовна",
];

const RUSSIAN_FEMALE_ITEMS: &[&str] = &[
    "Елена",
    "Ольга",
    "Татьяна",
    "Наталья",
    "Ирина",
    "Светлана",
    "Екатерина",
    "Анна",
    "Юлия",
    "Марина",
    "Людмила",
    "Галина",
    "Оксана",
    "Надежда",
    "Валентина",
    "Анастасия",
    "Мария",
    "Виктория",
    "Евгения",
    "Любовь",
    "Алёна",
    "Ксения",
    "Дарья",
    "Полина",
    "Вера",
    "Нина",
    "Тамара",
    "Лариса",
    "Инна",
    "Алла",
    "Жанна",
    "Кристина",
    "Яна",
    "Валерия",
    "Александра",
    "Софья",
    "Елизавета",
    "Лилия",
    "Зоя",
    "Раиса",
    "Лидия",
    "Маргарита",
    "Вероника",
    "Олеся",
    "Диана",
    "Алина",
    "Карина",
    "Регина",
    "Снежана",
    "Антонина",
    "Зинаида",
    "Клавдия",
    "Нелли",
    "Эльвира",
    "Ангелина",
    "Милана",
    "Варвара",
    "Василиса",
    "Таисия",
    "Ульяна",
];

const RUSSIAN_SURNAME_ITEMS: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Жданов",
    "Рыбаков",
    "Хохлов",
    "Демидов",
    "Краснов",
    "Савин",
    "Логинов",
    "Мальцев",
    "Вишневский",
    "Покровский",
    "Островский",
    "Толстой",
    "Трубецкой",
];

const UZBEK_MALE_ITEMS: &[&str] = &[
    "Шерзод",
    "Бахтиёр",
    "Рустам",
    "Улугбек",
    "Фарход",
    "Жасур",
    "Акмал",
    "Азиз",
    "Бобур",
    "Дильшод",
    "Отабек",
    "Санжар",
    "Тимур",
    "Равшан",
    "Шухрат",
    "Ильхом",
    "Анвар",
    "Баходир",
    "Абдулла",
    "Нодир",
    "Зафар",
    "Хуршид",
    "Алишер",
    "Ислом",
    "Жахонгир",
    "Мурод",
    "Лазиз",
    "Фаррух",
    "Собир",
    "Камол",
];

const UZBEK_FEMALE_ITEMS: &[&str] = &[
    "Дилноза",
    "Гулнора",
    "Нигора",
    "Шахноза",
    "Малика",
    "Зарина",
    "Дилфуза",
    "Феруза",
    "Гульчехра",
    "Мохира",
    "Нилуфар",
    "Севара",
    "Умида",
    "Лола",
    "Барно",
    "Зулфия",
    "Хилола",
    "Мунира",
    "Садокат",
    "Камола",
    "Наргиза",
    "Мадина",
    "Гулноза",
    "Ойгул",
    "Дильбар",
];

const UZBEK_SURNAME_ITEMS: &[&str] = &[
    "Юсупов",
    "Каримов",
    "Рахимов",
    "Турсунов",
    "Алимов",
    "Усманов",
    "Назаров",
    "Ташкентов",
    "Абдуллаев",
    "Исмаилов",
    "Хасанов",
    "Мирзаев",
    "Холматов",
    "Эргашев",
    "Султанов",
    "Рашидов",
    "Умаров",
    "Шарипов",
    "Саидов",
    "Мамадалиев",
    "Норматов",
    "Тошматов",
    "Хамидов",
    "Бакиев",
    "Юлдашев",
    "Маматов",
    "Собиров",
    "Азимов",
    "Ахмедов",
    "Мухаммадиев",
];

const UYGHUR_MALE_ITEMS: &[&str] = &[
    "Дильшат",
    "Нурмухаммед",
    "Абдурешит",
    "Ильяр",
    "Махмут",
    "Алимжан",
    "Абдулла",
    "Шухрат",
    "Эркин",
    "Турсун",
    "Кадыр",
    "Рахман",
    "Ахмаджан",
    "Мурат",
    "Касим",
    "Абдукерим",
    "Нурали",
    "Ильхам",
    "Ризван",
    "Азат",
];

const UYGHUR_FEMALE_ITEMS: &[&str] = &[
    "Гулистан",
    "Мухаббат",
    "Патигуль",
    "Айнур",
    "Гульнара",
    "Маряпам",
    "Назугум",
    "Ризвангуль",
    "Зульфия",
    "Хасиет",
    "Шахида",
    "Мадина",
    "Дилярам",
    "Паризат",
    "Рошангуль",
    "Ханипа",
    "Айгуль",
    "Мунира",
    "Нурия",
    "Саида",
];

const UYGHUR_SURNAME_ITEMS: &[&str] = &[
    "Масимов",
    "Ахметов",
    "Турдиев",
    "Розахунов",
    "Исламов",
    "Нурахунов",
    "Мамутов",
    "Касымов",
    "Абдуллаев",
    "Садыров",
    "Хамраев",
    "Юнусов",
    "Тохтиев",
    "Аюпов",
    "Садиков",
    "Кадыров",
    "Ибрагимов",
    "Ниязов",
    "Рахимов",
    "Сабиров",
];

const TATAR_MALE_ITEMS: &[&str] = &[
    "Ринат",
    "Ильдар",
    "Рафаэль",
    "Рамиль",
    "Айдар",
    "Марат",
    "Ильнур",
    "Рустем",
    "Фарид",
    "Тагир",
    "Ришат",
    "Альберт",
    "Радик",
    "Дамир",
    "Равиль",
    "Ренат",
    "Шамиль",
    "Фанис",
    "Азат",
    "Наиль",
    "Булат",
    "Ильяс",
    "Раиль",
    "Зуфар",
    "Рашид",
];

const TATAR_FEMALE_ITEMS: &[&str] = &[
    "Гульнара",
    "Альфия",
    "Лилия",
    "Резеда",
    "Гульшат",
    "Эльмира",
    "Розалия",
    "Алсу",
    "Айгуль",
    "Зульфия",
    "Ляйсан",
    "Венера",
    "Раушания",
    "Диляра",
    "Гузель",
    "Фарида",
    "Ильмира",
    "Рузалия",
    "Камила",
    "Гульназ",
    "Алия",
    "Роза",
    "Зарема",
    "Наиля",
    "Райхана",
];

const TATAR_SURNAME_ITEMS: &[&str] = &[
    "Хабибуллин",
    "Галиев",
    "Сафин",
    "Гарипов",
    "Зарипов",
    "Валиев",
    "Нигматуллин",
    "Шарафутдинов",
    "Хайруллин",
    "Гильманов",
    "Ибрагимов",
    "Мухаметшин",
    "Закиров",
    "Фаизов",
    "Ахметзянов",
    "Сабитов",
    "Хуснутдинов",
    "Латыпов",
    "Гайнуллин",
    "Камалов",
    "Бикмухаметов",
    "Мингазов",
    "Шакиров",
    "Юсупов",
    "Абдрахманов",
];

const KOREAN_SURNAME_ITEMS: &[&str] = &[
    "Ким",
    "Пак",
    "Цой",
    "Ли",
    "Тен",
    "Хан",
    "Шин",
    "Югай",
    "Пай",
    "Огай",
    "Ни",
    "Тян",
    "Хегай",
    "Лим",
    "Кан",
    "Нам",
    "Сон",
    "Ан",
    "Мун",
    "Чен",
];

const GERMAN_SURNAME_ITEMS: &[&str] = &[
    "Шмидт",
    "Миллер",
    "Вебер",
    "Шульц",
    "Майер",
    "Фишер",
    "Циммерман",
    "Келлер",
    "Браун",
    "Гейнц",
    "Вагнер",
    "Беккер",
    "Шефер",
    "Кох",
    "Рихтер",
    "Клейн",
    "Вольф",
    "Нойман",
    "Шварц",
    "Краузе",
    "Гофман",
    "Штейн",
    "Берг",
    "Фризен",
    "Дик",
    "Янцен",
    "Эрнст",
    "Лоренц",
    "Зоммер",
    "Гартман",
];

const GERMAN_MALE_ITEMS: &[&str] = &[
    "Виктор",
    "Александр",
    "Андрей",
    "Владимир",
    "Роберт",
    "Эдуард",
    "Артур",
    "Вальдемар",
    "Генрих",
    "Иван",
    "Давид",
    "Яков",
    "Фридрих",
    "Рудольф",
    "Альберт",
];

const GERMAN_FEMALE_ITEMS: &[&str] = &[
    "Ирина",
    "Елена",
    "Эльвира",
    "Ольга",
    "Анна",
    "Мария",
    "Наталья",
    "Лидия",
    "Эмма",
    "Ирма",
    "Татьяна",
    "Светлана",
    "Амалия",
    "Паулина",
    "Вера",
];

const UKRAINIAN_SURNAME_ITEMS: &[&str] = &[
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Мельник",
    "Бойко",
    "Савченко",
    "Лысенко",
    "Руденко",
    "Марченко",
    "Олейник",
    "Кравчук",
    "Коваль",
    "Полищук",
    "Гончаренко",
    "Тимошенко",
    "Левченко",
    "Пономаренко",
    "Кушнир",
    "Литвиненко",
    "Сидоренко",
    "Павленко",
    "Мороз",
    "Ковальчук",
    "Ющенко",
    "Гордиенко",
    "Демченко",
    "Приходько",
    "Ковальский",
];

table!(RUSSIAN_MALE, RUSSIAN_MALE_ITEMS);
table!(RUSSIAN_FEMALE, RUSSIAN_FEMALE_ITEMS);
table!(RUSSIAN_SURNAMES, RUSSIAN_SURNAME_ITEMS);
table!(UZBEK_MALE, UZBEK_MALE_ITEMS);
table!(UZBEK_FEMALE, UZBEK_FEMALE_ITEMS);
table!(UZBEK_SURNAMES, UZBEK_SURNAME_ITEMS);
table!(UYGHUR_MALE, UYGHUR_MALE_ITEMS);
table!(UYGHUR_FEMALE, UYGHUR_FEMALE_ITEMS);
table!(UYGHUR_SURNAMES, UYGHUR_SURNAME_ITEMS);
table!(TATAR_MALE, TATAR_MALE_ITEMS);
table!(TATAR_FEMALE, TATAR_FEMALE_ITEMS);
table!(TATAR_SURNAMES, TATAR_SURNAME_ITEMS);
table!(KOREAN_SURNAMES, KOREAN_SURNAME_ITEMS);
table!(GERMAN_SURNAMES, GERMAN_SURNAME_ITEMS);
table!(GERMAN_MALE, GERMAN_MALE_ITEMS);
table!(GERMAN_FEMALE, GERMAN_FEMALE_ITEMS);
table!(UKRAINIAN_SURNAMES, UKRAINIAN_SURNAME_ITEMS);

// ---------------------------------------------------------------- rules

const VOWELS: &str = "аәеёиоөуұүыіэюяАӘЕЁИОӨУҰҮЫІЭЮЯ";

fn ends_with_vowel(s: &str) -> bool {
    s.chars().last().is_some_and(|c| VOWELS.contains(c))
}

/// The masculine surname built on a Kazakh root: -ов after a consonant, -ев after a vowel or
/// й (Жұмабай → Жұмабаев), -ин for roots marked `+ин` (Сейфулла → Сейфуллин).
pub fn kazakh_masculine_surname(root: &str) -> String {
    if let Some(stem) = root.strip_suffix("+ин") {
        let stem = stem.strip_suffix('а').unwrap_or(stem);
        return format!("{stem}ин");
    }
    if let Some(stem) = root.strip_suffix('й') {
        return format!("{stem}ев");
    }
    if root.ends_with("ов") || root.ends_with("ин") {
        return root.to_string();
    }
    if ends_with_vowel(root) {
        format!("{root}ев")
    } else {
        format!("{root}ов")
    }
}

/// The root as a surname with the ending dropped (the post-1996 form), without the `+ин` mark.
pub fn kazakh_dropped_surname(root: &str) -> String {
    root.trim_end_matches("+ин").to_string()
}

/// The feminine form of a masculine surname: -ов/-ев/-ин/-ын → +а, -ский/-цкий → -ская/-цкая,
/// -ой → -ая; anything else (Ким, Шмидт, Шевченко, Жұмабай) is the same for both sexes.
pub fn feminine_surname(masculine: &str) -> String {
    for suffix in ["ов", "ев", "ёв", "ин", "ын"] {
        if masculine.ends_with(suffix) {
            return format!("{masculine}а");
        }
    }
    if let Some(stem) = masculine.strip_suffix("ий")
        && (stem.ends_with("ск") || stem.ends_with("цк"))
    {
        return format!("{stem}ая");
    }
    if let Some(stem) = masculine.strip_suffix("ой") {
        return format!("{stem}ая");
    }
    masculine.to_string()
}

/// The surname form for a sex.
pub fn gendered_surname(masculine: &str, sex: Sex) -> String {
    match sex {
        Sex::Male => masculine.to_string(),
        Sex::Female => feminine_surname(masculine),
    }
}

/// Kazakh letters folded to their Russian look-alikes (Нұрлан → Нурлан).
pub fn fold_kazakh(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// One Kazakh letter folded to its Russian look-alike; other characters unchanged.
pub fn fold_char(c: char) -> char {
    match c {
        'ә' => 'а',
        'Ә' => 'А',
        'ғ' => 'г',
        'Ғ' => 'Г',
        'қ' => 'к',
        'Қ' => 'К',
        'ң' => 'н',
        'Ң' => 'Н',
        'ө' => 'о',
        'Ө' => 'О',
        'ұ' | 'ү' => 'у',
        'Ұ' | 'Ү' => 'У',
        'һ' => 'х',
        'Һ' => 'Х',
        'і' => 'и',
        'І' => 'И',
        other => other,
    }
}

/// The Russian-style patronymic of a father's name (any tradition): Серік → Серикович /
/// Сериковна, Нұрбай → Нурбаевич, Әли → Алиевич. Russian names use their table entry.
pub fn russian_patronymic(father: &str, sex: Sex) -> String {
    if let Some(entry) = RUSSIAN_MALE_ITEMS
        .iter()
        .find(|e| e.split(':').next() == Some(father))
    {
        let mut parts = entry.split(':').skip(1);
        let (m, f) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        return match sex {
            Sex::Male => m.to_string(),
            Sex::Female => f.to_string(),
        };
    }
    let base = fold_kazakh(father);
    let (stem, soft) = if let Some(stem) = base.strip_suffix('й') {
        (stem.to_string(), true)
    } else if let Some(stem) = base.strip_suffix('ь') {
        (stem.to_string(), true)
    } else if ends_with_vowel(&base) {
        (base.clone(), true)
    } else {
        (base.clone(), false)
    };
    let suffix = match (soft, sex) {
        (false, Sex::Male) => "ович",
        (false, Sex::Female) => "овна",
        (true, Sex::Male) => "евич",
        (true, Sex::Female) => "евна",
    };
    format!("{stem}{suffix}")
}

/// The Kazakh-style patronymic: Серікұлы / Серікқызы, joined or as two words.
pub fn kazakh_patronymic(father: &str, sex: Sex, separate: bool) -> String {
    let word = match sex {
        Sex::Male => "ұлы",
        Sex::Female => "қызы",
    };
    if separate {
        format!("{father} {word}")
    } else {
        format!("{father}{word}")
    }
}

/// The Russian male name of a table entry ("Сергей:Сергеевич:Сергеевна" → "Сергей").
pub fn entry_name(entry: &'static str) -> &'static str {
    entry.split(':').next().unwrap_or(entry)
}

/// Draw a given name of a tradition and sex.
pub fn given_name<R: Rng>(rng: &mut R, eth: Ethnicity, sex: Sex) -> &'static str {
    use Ethnicity::*;
    match (eth, sex) {
        (Kazakh, Sex::Male) => KAZAKH_MALE.pick(rng),
        (Kazakh, Sex::Female) => KAZAKH_FEMALE.pick(rng),
        (Uzbek, Sex::Male) => UZBEK_MALE.pick(rng),
        (Uzbek, Sex::Female) => UZBEK_FEMALE.pick(rng),
        (Uyghur, Sex::Male) => UYGHUR_MALE.pick(rng),
        (Uyghur, Sex::Female) => UYGHUR_FEMALE.pick(rng),
        (Tatar, Sex::Male) => TATAR_MALE.pick(rng),
        (Tatar, Sex::Female) => TATAR_FEMALE.pick(rng),
        (German, Sex::Male) if rng.random_bool(0.5) => GERMAN_MALE.pick(rng),
        (German, Sex::Female) if rng.random_bool(0.5) => GERMAN_FEMALE.pick(rng),
        (_, Sex::Male) => entry_name(RUSSIAN_MALE.pick(rng)),
        (_, Sex::Female) => RUSSIAN_FEMALE.pick(rng),
    }
}

/// Draw a masculine surname of a non-Kazakh tradition (Kazakh surnames are built in
/// `population.rs`, which also decides the dropped and father-derived forms).
pub fn other_masculine_surname<R: Rng>(rng: &mut R, eth: Ethnicity) -> String {
    use Ethnicity::*;
    let s = match eth {
        Kazakh => return kazakh_masculine_surname(KAZAKH_SURNAME_ROOTS.pick(rng)),
        Russian => RUSSIAN_SURNAMES.pick(rng),
        Uzbek => UZBEK_SURNAMES.pick(rng),
        Uyghur => UYGHUR_SURNAMES.pick(rng),
        Tatar => TATAR_SURNAMES.pick(rng),
        Korean => KOREAN_SURNAMES.pick(rng),
        German => GERMAN_SURNAMES.pick(rng),
        Ukrainian => UKRAINIAN_SURNAMES.pick(rng),
    };
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn distinct(items: &[&str]) -> usize {
        items.iter().collect::<HashSet<_>>().len()
    }

    #[test]
    fn tables_are_large_enough() {
        assert!(
            distinct(KAZAKH_MALE_ITEMS) >= 150,
            "{}",
            distinct(KAZAKH_MALE_ITEMS)
        );
        assert!(
            distinct(KAZAKH_FEMALE_ITEMS) >= 150,
            "{}",
            distinct(KAZAKH_FEMALE_ITEMS)
        );
        assert!(distinct(KAZAKH_SURNAME_ROOT_ITEMS) >= 200);
        assert!(distinct(RUSSIAN_SURNAME_ITEMS) >= 100);
        for item in KAZAKH_SURNAME_ROOT_ITEMS.iter().chain(KAZAKH_MALE_ITEMS) {
            assert!(
                item.chars()
                    .all(|c| c == '+' || c == '-' || VOWELS.contains(c) || is_cyr(c)),
                "non-Cyrillic character in {item}"
            );
        }
    }

    fn is_cyr(c: char) -> bool {
        ('\u{0400}'..='\u{04FF}').contains(&c)
    }

    #[test]
    fn surname_rules() {
        assert_eq!(kazakh_masculine_surname("Жұмабай"), "Жұмабаев");
        assert_eq!(kazakh_masculine_surname("Ахмет"), "Ахметов");
        assert_eq!(kazakh_masculine_surname("Жұма"), "Жұмаев");
        assert_eq!(kazakh_masculine_surname("Сейфулла+ин"), "Сейфуллин");
        assert_eq!(kazakh_dropped_surname("Сейфулла+ин"), "Сейфулла");
        assert_eq!(feminine_surname("Жұмабаев"), "Жұмабаева");
        assert_eq!(feminine_surname("Сейфуллин"), "Сейфуллина");
        assert_eq!(feminine_surname("Вишневский"), "Вишневская");
        assert_eq!(feminine_surname("Толстой"), "Толстая");
        assert_eq!(feminine_surname("Ким"), "Ким");
        assert_eq!(feminine_surname("Шевченко"), "Шевченко");
    }

    #[test]
    fn patronymic_rules() {
        assert_eq!(russian_patronymic("Серік", Sex::Male), "Серикович");
        assert_eq!(russian_patronymic("Серік", Sex::Female), "Сериковна");
        assert_eq!(russian_patronymic("Сергей", Sex::Female), "Сергеевна");
        assert_eq!(russian_patronymic("Әли", Sex::Male), "Алиевич");
        assert_eq!(kazakh_patronymic("Серік", Sex::Male, false), "Серікұлы");
        assert_eq!(kazakh_patronymic("Серік", Sex::Female, true), "Серік қызы");
    }

    #[test]
    fn zipf_prefers_low_ranks() {
        let z = Zipf::new(150, 1.0, 2.0);
        assert!(z.probability(0) > 5.0 * z.probability(149));
        let total: f64 = (0..150).map(|i| z.probability(i)).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }
}
