/** Word lists the demo catalog is generated from (see catalog-seed.ts). */
export interface CategorySpec {
  slug: string;
  name: string;
  code: string;
  nouns: string[];
  /** Option axes; variants take distinct combinations. */
  axes: Record<string, string[]>;
  /** Base price range in minor units. */
  price: [number, number];
  features: string[];
}

export const BRANDS = [
  'Aurora',
  'Boreal',
  'Cobalt',
  'Drift',
  'Ember',
  'Fjord',
  'Granite',
  'Halcyon',
  'Ion',
  'Juniper',
  'Kestrel',
  'Lumen',
];

export const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Essential',
  'Nimble',
  'Pro',
  'Quiet',
  'Rugged',
  'Sleek',
  'Ultra',
];

export const CATEGORIES: CategorySpec[] = [
  {
    slug: 'audio',
    name: 'Audio',
    code: 'AUD',
    nouns: ['Headphones', 'Earbuds', 'Speaker', 'Soundbar', 'Turntable'],
    axes: { color: ['black', 'white', 'blue', 'sand'] },
    price: [2900, 34900],
    features: [
      'rich bass',
      'long battery life',
      'active noise cancelling',
      'bluetooth 5.3',
      'a fold-flat design',
    ],
  },
  {
    slug: 'computing',
    name: 'Computing',
    code: 'CMP',
    nouns: ['Keyboard', 'Mouse', 'Monitor', 'Webcam', 'Laptop Stand'],
    axes: { layout: ['US', 'UK', 'DE'], color: ['graphite', 'silver'] },
    price: [1900, 49900],
    features: [
      'hot-swappable switches',
      'a USB-C hub',
      'low latency',
      'an aluminium body',
      'adjustable height',
    ],
  },
  {
    slug: 'home',
    name: 'Home',
    code: 'HOM',
    nouns: ['Lamp', 'Throw Blanket', 'Wall Clock', 'Planter', 'Diffuser'],
    axes: { finish: ['oak', 'walnut', 'matte black', 'brass'] },
    price: [1500, 15900],
    features: [
      'a warm glow',
      'soft recycled fibres',
      'a silent movement',
      'hand-finished details',
      'a minimalist look',
    ],
  },
  {
    slug: 'kitchen',
    name: 'Kitchen',
    code: 'KIT',
    nouns: ['Kettle', 'Chef Knife', 'Coffee Grinder', 'Frying Pan', 'Blender'],
    axes: { color: ['steel', 'black', 'cream'], size: ['small', 'large'] },
    price: [1900, 24900],
    features: [
      'a stay-cool handle',
      'precise temperature control',
      'a forged blade',
      'a non-stick coating',
      'dishwasher-safe parts',
    ],
  },
  {
    slug: 'apparel',
    name: 'Apparel',
    code: 'APP',
    nouns: ['Hoodie', 'T-Shirt', 'Rain Jacket', 'Sneakers', 'Beanie'],
    axes: { size: ['S', 'M', 'L', 'XL'], color: ['red', 'navy', 'olive'] },
    price: [1200, 18900],
    features: [
      'organic cotton',
      'a water-repellent shell',
      'a relaxed fit',
      'reinforced seams',
      'breathable mesh',
    ],
  },
  {
    slug: 'outdoor',
    name: 'Outdoor',
    code: 'OUT',
    nouns: ['Tent', 'Backpack', 'Sleeping Bag', 'Water Bottle', 'Headlamp'],
    axes: { color: ['forest', 'orange', 'slate'], capacity: ['20L', '35L'] },
    price: [1500, 39900],
    features: [
      'ultralight fabric',
      'a storm-proof build',
      'a lifetime warranty',
      'reflective trims',
      'USB charging',
    ],
  },
  {
    slug: 'fitness',
    name: 'Fitness',
    code: 'FIT',
    nouns: ['Yoga Mat', 'Dumbbell Set', 'Jump Rope', 'Foam Roller', 'Kettlebell'],
    axes: { weight: ['light', 'medium', 'heavy'], color: ['teal', 'charcoal'] },
    price: [900, 19900],
    features: [
      'a non-slip surface',
      'an ergonomic grip',
      'a compact footprint',
      'durable rubber',
      'an included guide',
    ],
  },
  {
    slug: 'toys',
    name: 'Toys & Games',
    code: 'TOY',
    nouns: ['Puzzle', 'Building Blocks', 'Board Game', 'Kite', 'Plush Bear'],
    axes: { edition: ['standard', 'collector'], age: ['3+', '8+'] },
    price: [900, 9900],
    features: [
      'non-toxic materials',
      'hours of play',
      'a family-friendly design',
      'bright colours',
      'a sturdy storage box',
    ],
  },
];
