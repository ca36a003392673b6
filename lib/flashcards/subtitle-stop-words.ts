// The French words too common to be worth a card of their own, as wordKey()s: articles, pronouns, prepositions,
// conjunctions, the forms of être/avoir/aller/faire met on every line, and the interjections subtitles are full of.
// Short on purpose: a word the user might want to learn (even "maison") must never be hidden here.

const WORDS = `
  le la les un une des du de au aux à et ou où mais donc or ni car que qui quoi dont ce cet cette ces ça ceci cela
  celui celle ceux celles se je tu il elle on nous vous ils elles me te lui leur leurs y en ne pas plus moi toi soi
  mon ma mes ton ta tes son sa ses notre nos votre vos mien tien sien quelqu'un quelque quelques quel quelle quels quelles
  suis es est sommes êtes sont étais était étions étiez étaient sera serai seras serons serez seront serait être
  ai as avons avez ont avais avait avions aviez avaient aura aurai auras aurons aurez auront aurait eu avoir
  vais vas va allons allez vont aller allé fais fait faites font faire
  dans sur sous par pour avec sans chez vers entre depuis pendant contre avant après devant derrière jusqu
  si oui non bon bien très tout tous toute toutes aussi comme quand alors là ici déjà encore même rien
  peu trop beaucoup comment pourquoi combien
  oh ah eh hein euh bah ben hé hum ouais ok okay
`;

const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/u).filter(Boolean));

export function isStopWord(key: string): boolean {
  return STOP_WORDS.has(key);
}
