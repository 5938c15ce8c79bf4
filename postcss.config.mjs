// Tailwind CSS v4 through PostCSS: Next runs it on src/app/globals.css at build time.
export default { plugins: { '@tailwindcss/postcss': {} } };
