-- The demo database of docker-compose.yml, run once by the postgres image when its volume is new
-- (/docker-entrypoint-initdb.d). The same demo as the standalone's (standalone/.../DemoDatabase.java): a database crm
-- with customers (personal data to protect) and orders (row-level security on, for row-limited grants), the admin
-- role Lapse provisions grants with (CREATEROLE, owner of the tables, never superuser), a login role alice, and the
-- schema of the masked views. The passwords are the demo's; set your own for anything else.
CREATE ROLE lapse_admin LOGIN CREATEROLE PASSWORD 'lapse-admin';
GRANT pg_signal_backend, pg_read_all_stats TO lapse_admin;
CREATE ROLE alice LOGIN PASSWORD 'alice';
CREATE DATABASE crm;
\connect crm
CREATE TABLE public.customers (
    id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, ssn text, card_number text, region text NOT NULL);
INSERT INTO public.customers VALUES
    (1, 'Ada Lovelace', 'ada@example.com', '078-05-1120', '4111111111111111', 'EU'),
    (2, 'Grace Hopper', 'grace@example.com', '219-09-9999', '5500005555555559', 'US'),
    (3, 'Alan Turing', 'alan@example.com', '457-55-5462', '340000000000009', 'EU');
CREATE TABLE public.orders (
    id integer PRIMARY KEY, customer_id integer NOT NULL, region text NOT NULL, amount numeric(10, 2) NOT NULL);
INSERT INTO public.orders VALUES (10, 1, 'EU', 120.00), (11, 2, 'US', 75.50), (12, 3, 'EU', 9.99);
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.customers, public.orders FROM PUBLIC;
ALTER TABLE public.customers OWNER TO lapse_admin;
ALTER TABLE public.orders OWNER TO lapse_admin;
CREATE SCHEMA lapse_masked AUTHORIZATION lapse_admin;
