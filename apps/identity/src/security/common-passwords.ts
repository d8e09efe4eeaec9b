/**
 * Passwords seen most often in public breach corpora (and their Indian favourites) that are 10
 * characters or longer — shorter ones are already refused by the length rule — plus the base words
 * that people decorate with digits and symbols ("Password@123"). Compared case-insensitively.
 */
export const COMMON_PASSWORDS = `
1234567890 0123456789 12345678910 1234567891 123456789a 123456789q 1q2w3e4r5t 1q2w3e4r5t6y
1qaz2wsx3edc 1qazxsw23edc qwertyuiop qwerty1234 qwerty12345 qwerty123456 qwertyuiop1 asdfghjkl1
asdfghjkl; zxcvbnm123 zaq12wsx34 q1w2e3r4t5 a1b2c3d4e5 abcdefghij abcdefg123 abcd123456 abc1234567
password1 password12 password123 password1234 password12345 passw0rd123 p@ssw0rd123 p@ssword123
password@123 password@1234 password!123 passwordpassword iloveyou12 iloveyou123 iloveyou1234
iloveyou@123 letmein123 letmein1234 welcome123 welcome1234 welcome@123 welcome@1234 admin12345
admin@12345 administrator administrator1 adminadmin changeme123 changeme1234 trustno1trustno1
football123 baseball123 basketball basketball1 superman123 batman12345 princess123 sunshine123
starwars123 pokemon1234 dragon12345 monkey12345 master12345 shadow12345 michael123 jennifer123
computer123 internet123 samsung1234 iphone12345 whatever123 1234qwerty 123qweasdzxc 123123123123
1111111111 0000000000 9999999999 1212121212 1231231231 9876543210 0987654321 1122334455
11223344556 1234512345 123454321a 12341234 5555555555 7777777777 8888888888 1234554321
india12345 india@1234 india@12345 india123456 bharat1234 bharat@123 jaihind123 jaihind@123
hindustan123 mumbai1234 mumbai@123 delhi12345 delhi@1234 bangalore123 bengaluru123 chennai123
hyderabad123 kolkata123 pune123456 ahmedabad123 jaipur1234 lucknow123 jaishreeram jaishreeram1
jaishriram jaishriram1 jaishreeram123 jaishriram123 radhekrishna radhekrishna1 harekrishna
harekrishna1 omnamahshivaya omsairam123 saibaba1234 ganesh1234 ganeshji123 hanuman1234
krishna1234 krishna@123 shivshankar mahadev1234 waheguru123 allahakbar1 bismillah123
cricket123 cricket1234 sachin12345 sachintendulkar dhoni123456 msdhoni007 viratkohli
viratkohli18 kohli12345 bollywood123 shahrukhkhan salmankhan1 iloveindia iloveindia1
iloveyoumom iloveyoudad mummypapa1 mummypapa123 password@india qwerty@123 qwerty@1234
abc@123456 abcd@12345 test@12345 test123456 testtest123 demo123456 guest12345 user123456
lekha12345 lekha@1234 lekhapassword company123 business123 office1234 office@123 shop123456
`
  .split(/\s+/)
  .filter(Boolean);

/** Words that stay common however many digits and symbols surround them. */
export const COMMON_BASE_WORDS = [
  'password',
  'passw0rd',
  'p@ssword',
  'p@ssw0rd',
  'qwerty',
  'qwertyuiop',
  'asdfgh',
  'zxcvbn',
  'iloveyou',
  'welcome',
  'letmein',
  'admin',
  'administrator',
  'changeme',
  'india',
  'bharat',
  'lekha',
  'abcdef',
  'abcdefgh',
  'monkey',
  'dragon',
  'master',
  'football',
  'cricket',
  'sunshine',
  'princess',
  'superman',
  'batman',
  'test',
  'guest',
  'user',
  'login',
  'secret',
];
