import { defineCollection } from 'astro:content';
import { lessonCollection } from '../lesson-collection.ts';

export const collections = { docs: defineCollection(lessonCollection()) };
