import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { viewer } from '@/lib/session';
import { logout } from './actions/auth';
import styles from './layout.module.css';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'ha-shop', template: '%s · ha-shop' },
  description: 'The high-availability shop: it stays up while its parts fail.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

// Every page reads the session cookie: nothing is prerendered with someone else's state.
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const me = await viewer();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className={styles.header}>
          <div className={styles.bar}>
            <Link href="/" className={styles.brand}>
              ha-shop
            </Link>
            <form action="/products" method="get" role="search" className={styles.search}>
              <label htmlFor="site-search" className="visually-hidden">
                Search products
              </label>
              <input id="site-search" name="q" type="search" placeholder="Search products" maxLength={100} />
              <button type="submit">Search</button>
            </form>
            <nav aria-label="Main" className={styles.nav}>
              <Link href="/products">Catalog</Link>
              <Link href="/cart">Cart</Link>
              {me ? (
                <>
                  <Link href="/orders">Orders</Link>
                  {me.roles.includes('admin') && <Link href="/architecture">Architecture</Link>}
                  <form action={logout}>
                    <button type="submit" className={styles.linkButton}>
                      Sign out
                    </button>
                  </form>
                </>
              ) : (
                <>
                  <Link href="/login">Sign in</Link>
                  <Link href="/register">Register</Link>
                </>
              )}
            </nav>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer className={styles.footer}>
          {me ? `Signed in as ${me.email}. ` : ''}Test cards: 4242 4242 4242 4242 is accepted, 4000 0000 0000
          0002 is declined.
        </footer>
      </body>
    </html>
  );
}
